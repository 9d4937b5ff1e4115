import Foundation
import GGUF
import Kernels
import Llama
import ModelStore
import Tokenizers
import VulkanRuntime

/// A model loaded for a command on a concrete backend, with its tokenizer and run manifest.
struct ModelSession<B: ComputeBackend> {
    var file: GGUFFile
    var tokenizer: Tokenizer
    var model: LlamaModel<B>
    var manifest: RunManifest
    var addBOS: Bool
}

/// Work a command does with a loaded model, generic over the backend (the CLI is the one place that picks it).
protocol ModelTask {
    associatedtype Output
    func run<B: ComputeBackend>(_ session: ModelSession<B>) throws -> Output
}

enum ModelLoader {
    /// Resolves and opens the model, builds the tokenizer, picks the backend and runs `task`.
    /// `contextSize`: the KV-cache positions per slot when the command computed them (evaluation sizes slots to
    /// its longest item); otherwise `--ctx-size` or its default. `opened`: the model file and tokenizer when the
    /// command already opened them (to tokenize before sizing the cache), so they are not read twice.
    /// `maxLogitRows`: the most rows a pass computes logits for (default `maxRows`); generation needs one, and the
    /// logits buffer is sized by it (f32 [maxLogitRows, vocab]: 192 KiB a row for SmolLM2).
    static func run<T: ModelTask>(_ options: ModelOptions, slots: Int = 1, maxRows: Int = 512, maxLogitRows: Int? = nil,
                                  seed: UInt64? = nil,
                                  contextSize computed: Int? = nil,
                                  opened: (path: URL, file: GGUFFile, tokenizer: Tokenizer)? = nil,
                                  task: T) throws -> T.Output {
        let (path, file, tokenizer) = try opened ?? options.location.open()
        let addBOS = options.bos ?? tokenizer.vocabulary.addsBOS
        let contextSize = try computed ?? options.context.resolved(modelLimit: try LlamaConfig(from: file).contextLength, file: path.path)
        let threads = try options.threading.resolved()
        let digest = try ModelStore().cachedSHA256(of: path)
        let concrete = try chooseBackend(options.backend)
        let precision = try PrecisionChoice.resolve(options.precision, backend: concrete)
        func manifest(_ backend: String, _ device: String, _ driver: String) -> RunManifest {
            RunManifest(model: path.path, model_sha256: digest, precision: precision.rawValue, backend: backend,
                        device: device, driver: driver, bos: addBOS, context_size: contextSize, seed: seed,
                        veer_version: RunManifest.version)
        }
        switch concrete {
        case .cpu:
            let backend = try BackendFactory.cpu(threads: threads, precision: precision)
            Console.note("backend: \(backend.name)")
            let model = try LlamaModel(source: file, backend: backend, slots: slots, contextSize: contextSize, maxRows: maxRows,
                                        maxLogitRows: maxLogitRows)
            var cpuManifest = manifest("cpu", "cpu", "swift-simd")
            cpuManifest.threads = backend.threads
            return try task.run(ModelSession(file: file, tokenizer: tokenizer, model: model,
                                             manifest: cpuManifest, addBOS: addBOS))
        case .vulkan:
            if options.threading.threads != nil { Console.note("warning: --threads sets the CPU backend's threads; the Vulkan backend does not use it") }
            let backend = try BackendFactory.vulkan()
            let info = backend.deviceInfo
            Console.note("backend: vulkan on \(info)")
            let model = try LlamaModel(source: file, backend: backend, slots: slots, contextSize: contextSize, maxRows: maxRows,
                                        maxLogitRows: maxLogitRows)
            return try task.run(ModelSession(file: file, tokenizer: tokenizer, model: model,
                                             manifest: manifest("vulkan", info.name, "\(info.driverName) \(info.driverInfo)"),
                                             addBOS: addBOS))
        }
    }

    enum Concrete { case cpu, vulkan }

    /// `auto` takes a Vulkan GPU (discrete, integrated or virtual) when there is one; a CPU Vulkan driver such as
    /// lavapipe is slower than the CPU backend, so then the CPU backend runs.
    static func chooseBackend(_ choice: ModelBackendChoice) throws -> Concrete {
        switch choice {
        case .cpu: return .cpu
        case .vulkan: return .vulkan
        case .auto:
            let devices = (try? VulkanContext.listDevices()) ?? []
            return devices.contains { $0.type != .cpu && $0.type != .other } ? .vulkan : .cpu
        }
    }
}
