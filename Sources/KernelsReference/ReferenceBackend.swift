import Kernels
import KernelABI

/// `ComputeBackend` over host memory that runs every op through the plain `Reference` functions: the oracle in
/// backend form, so the same model code and test cases can run on it. Ops run at once; buffers, uploads and downloads
/// are `HostMemoryBackend`'s. Slow by design.
public final class ReferenceBackend: HostMemoryBackend {
    /// `.q8`: matmuls with quantized weights follow `Reference.matmulQ8` (the oracle for the CPU backend's q8 mode).
    public let precision: Precision

    public init(precision: Precision = .f32) { self.precision = precision }

    public var name: String { "reference (host, f64 accumulation\(precision == .q8 ? ", q8 activations" : ""))" }
}
