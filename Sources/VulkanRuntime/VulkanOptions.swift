import Foundation

/// Optional device capabilities a shader variant may use. Each has a scalar fallback; `VEER_VK_DISABLE` turns any
/// of them off so CI exercises the fallbacks on lavapipe, which exposes them all.
public enum DeviceFeature: String, Sendable, CaseIterable {
    case fp16, int8, storage8, storage16, subgroups, integerDot
}

/// The kernel that runs Vulkan matmuls of more than one row (prefill). Each computes every output element in the
/// order of the matvec that decode uses, so the choice changes speed, never bits. Default: `tiled` for quantized
/// weights on CPU implementations (lavapipe), where it measured fastest; `rows8` for f32 and f16 weights there, and
/// on GPUs until the others are measured on one.
public enum PrefillMatmulKernel: String, Sendable, CaseIterable {
    /// Shaders/matmul.comp's multi-row variant: 8 rows per workgroup.
    case rows8
    /// Shaders/matmul_tiled.comp: a 4-row x 8-column tile per lane group, held in registers.
    case tiled
    /// Shaders/matmul_tiled.comp with 16 rows of x staged in shared memory for the workgroup's lane groups.
    case staged
}

/// How the runtime starts. `fromEnvironment()` reads the documented VEER_* variables.
public struct VulkanOptions: Sendable {
    /// Khronos validation plus synchronization validation; messages are collected (`VEER_VALIDATION=1`, tests).
    public var validation: Bool
    /// A device index or a case-insensitive name substring (`VEER_DEVICE`). nil: discrete > integrated > CPU.
    public var deviceSelector: String?
    /// Never map device memory; move every upload and readback through staging buffers (`VEER_VK_FORCE_STAGING=1`).
    public var forceStaging: Bool
    /// The most bytes one run of a split tensor (weight matrix, embedding table) binds, below the device's
    /// `maxStorageBufferRange`: exercises the splitting path on a device whose limit is never reached
    /// (`VEER_VK_MAX_BINDING_BYTES=N`, at least `minimumSplitBindingBytes`).
    public var maxBindingBytes: Int?
    /// Optional features treated as absent (`VEER_VK_DISABLE=fp16,int8,subgroups`).
    public var disabled: Set<DeviceFeature>
    /// The prefill matmul kernel (`VEER_VK_PREFILL_MATMUL=rows8|tiled|staged`); nil: the device type's default.
    public var prefillMatmul: PrefillMatmulKernel?
    /// Test hook: Vulkan calls to fail on purpose (nil: none).
    @_spi(Testing) public var faults: VulkanFaultInjector?
    /// Test hook: where the context counts its live objects (nil: a counter of its own), so a test can see that a
    /// context whose creation failed left nothing alive.
    @_spi(Testing) public var counter: VulkanObjectCounter?

    /// The lowest `VEER_VK_MAX_BINDING_BYTES`. A run holds whole rows, bound from an aligned offset, so the limit must
    /// hold the largest row plus the alignment skew: 64 KiB holds an F32 row of 16,000 columns (SmolLM2-135M's widest
    /// row has 1,536). Other bindings (KV cache, activations, logits) are not split and keep the device's limit.
    public static let minimumSplitBindingBytes = 65536

    public init(validation: Bool = false, deviceSelector: String? = nil, forceStaging: Bool = false,
                maxBindingBytes: Int? = nil, disabled: Set<DeviceFeature> = [], prefillMatmul: PrefillMatmulKernel? = nil) {
        self.validation = validation; self.deviceSelector = deviceSelector; self.forceStaging = forceStaging
        self.maxBindingBytes = maxBindingBytes; self.disabled = disabled; self.prefillMatmul = prefillMatmul
    }

    /// Reads VEER_VALIDATION, VEER_DEVICE, VEER_VK_FORCE_STAGING, VEER_VK_MAX_BINDING_BYTES, VEER_VK_DISABLE and
    /// VEER_VK_PREFILL_MATMUL.
    /// An unparsable value is an error naming the variable.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> VulkanOptions {
        var options = VulkanOptions()
        options.validation = try flag(env, "VEER_VALIDATION")
        options.forceStaging = try flag(env, "VEER_VK_FORCE_STAGING")
        if let selector = env["VEER_DEVICE"], !selector.isEmpty { options.deviceSelector = selector }
        if let raw = env["VEER_VK_MAX_BINDING_BYTES"], !raw.isEmpty {
            guard let bytes = Int(raw), bytes >= minimumSplitBindingBytes else {
                throw VulkanError.invalidUse(
                    "VEER_VK_MAX_BINDING_BYTES=\(raw): expected a byte count of at least \(minimumSplitBindingBytes) "
                        + "(the documented minimum: one split run must hold a whole weight row)")
            }
            options.maxBindingBytes = bytes
        }
        if let raw = env["VEER_VK_DISABLE"], !raw.isEmpty {
            for name in raw.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
                switch name {
                // `int8` disables both 8-bit arithmetic and 8-bit storage; `fp16` both halves of 16-bit support.
                case "fp16": options.disabled.formUnion([.fp16, .storage16])
                case "int8": options.disabled.formUnion([.int8, .storage8, .integerDot])
                default:
                    guard let feature = DeviceFeature(rawValue: name) else {
                        throw VulkanError.invalidUse(
                            "VEER_VK_DISABLE: unknown feature '\(name)'; known: fp16, int8, subgroups, storage8, storage16, integerDot")
                    }
                    options.disabled.insert(feature)
                }
            }
        }
        if let raw = env["VEER_VK_PREFILL_MATMUL"], !raw.isEmpty {
            guard let kernel = PrefillMatmulKernel(rawValue: raw.lowercased()) else {
                throw VulkanError.invalidUse(
                    "VEER_VK_PREFILL_MATMUL=\(raw): expected one of "
                        + PrefillMatmulKernel.allCases.map(\.rawValue).joined(separator: ", "))
            }
            options.prefillMatmul = kernel
        }
        return options
    }

    private static func flag(_ env: [String: String], _ name: String) throws -> Bool {
        guard let raw = env[name], !raw.isEmpty else { return false }
        switch raw.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw VulkanError.invalidUse("\(name)=\(raw): expected 1 or 0")
        }
    }
}
