// Tests draw their inputs from the same seeded generator as the kernel cases.
@_exported import struct Kernels.SplitMix64
