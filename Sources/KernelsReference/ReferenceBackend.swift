import Kernels
import KernelABI

/// `ComputeBackend` over host memory that runs every op through the plain `Reference` functions: the oracle in
/// backend form, so the same model code and test cases can run on it. Ops run at once; buffers, uploads and downloads
/// are `HostMemoryBackend`'s. Slow by design.
public final class ReferenceBackend: HostMemoryBackend {
    public init() {}

    public var name: String { "reference (host, f64 accumulation)" }
}
