// KernelABI is header-only; SwiftPM needs one source file to build a C target.
#include "veer_kernel_abi.h"
