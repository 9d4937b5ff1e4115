import Kernels

/// The kernels the cases exercise; the raw value is the prefix of every case name.
public enum KernelName: String, Sendable, CaseIterable {
    case matvec, matmul, embed, rmsnorm, rope, swiglu, softmax
    case logSoftmax = "log_softmax"
    case attention
    case kvStore = "kv_store"
    case ropeStore = "rope_store"
    case normMatmul = "norm_matmul"
    case kvCopy = "kv_copy"
    case argmax, topk
    case tokenLogprobs = "token_logprobs"
    case rowHealth = "row_health"
    case residualSteer = "residual_steer"
    case headsEdit = "heads_edit"
    case biasAdd = "bias_add"
}

/// One named kernel invocation: a shape, seeded inputs and a tolerance, runnable on any backend.
///
/// Names read `<kernel>_<variant>_<shape>` (the variant is left out where a kernel has only one), e.g.
/// `matvec_q4_1_576x1536` or `residual_steer_spherical_576x7`; `KernelCatalog` documents each kernel's shape order.
/// A case draws its inputs from `SplitMix64(seed: name)`, so every backend sees bit-identical inputs, and the plain
/// reference backend run on the same case gives the expected output (`CaseValidation`).
public protocol KernelCase: Sendable {
    var name: String { get }
    var kernel: KernelName { get }
    var tolerance: ToleranceClass { get }
    /// Floating-point operations of one launch (for GFLOP/s; 0 for pure data movement).
    var flops: Double { get }
    /// Bytes one launch must read and write at least (for GB/s).
    var bytes: Double { get }

    /// Builds the inputs on `backend` and returns the launch and the readout, without launching.
    func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase
}

extension KernelCase {
    /// Builds the inputs, issues the op once and reads the outputs.
    public func run<B: ComputeBackend>(on backend: B) throws -> CaseOutput {
        let prepared = try prepare(on: backend)
        try prepared.issue()
        return try prepared.readOutputs()
    }

    /// A fresh generator for this case's inputs.
    var seededInputs: SplitMix64 { SplitMix64(seed: name) }
}

/// A case whose inputs live on a backend, ready to launch.
///
/// `issue` may be called many times (benchmarks); ops that work in place (rope, rope_store, residual_steer, kv_store,
/// kv_copy, heads_edit) then keep working on their own previous output, which is fine for timing. Only the first
/// launch after `prepare` is compared against the reference.
public struct PreparedCase {
    /// Issues the op once. The backend may defer the work until `synchronize` or a read.
    public let issue: () throws -> Void
    /// Waits for the issued work, then reads every output the case compares.
    public let readOutputs: () throws -> CaseOutput

    public init(issue: @escaping () throws -> Void, readOutputs: @escaping () throws -> CaseOutput) {
        self.issue = issue
        self.readOutputs = readOutputs
    }
}

/// The outputs of one case, in a fixed order: float tensors are compared by NMSE, id tensors exactly.
public struct CaseOutput: Sendable, Equatable {
    public enum Values: Sendable, Equatable {
        case floats([Float])
        case ids([Int32])
    }

    public struct Tensor: Sendable, Equatable {
        public var name: String
        public var values: Values
        public init(name: String, values: Values) { self.name = name; self.values = values }

        public static func floats(_ name: String, _ values: [Float]) -> Tensor { Tensor(name: name, values: .floats(values)) }
        public static func ids(_ name: String, _ values: [Int32]) -> Tensor { Tensor(name: name, values: .ids(values)) }
    }

    public var tensors: [Tensor]

    public init(_ tensors: [Tensor]) { self.tensors = tensors }
}
