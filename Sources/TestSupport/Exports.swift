// Tests draw their inputs from the same seeded generator as the kernel cases.
@_exported import struct KernelCases.SplitMix64
