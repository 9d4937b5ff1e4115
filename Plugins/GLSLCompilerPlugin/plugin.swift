// Compiles the GLSL compute shaders in Shaders/ to SPIR-V with glslc, then embeds every module in a generated Swift
// file (base64 string literals, decoded once at run time), so a copied `veer` binary needs no resource bundle.
//
// Variants come from one table, Shaders/variants.txt: `name  source.comp  DEFINE[=value] ...` per line. Every shader
// lists every include (Shaders/include/*.glsl and the KernelABI header) as an input, since glslc's dependency output
// is not available to plugin commands.
import Foundation
import PackagePlugin

@main
struct GLSLCompilerPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let shaders = root.appending(path: "Shaders")
        let abiInclude = root.appending(path: "Sources/KernelABI/include")
        let table = shaders.appending(path: "variants.txt")
        let glslc = try findGLSLC()
        let out = context.pluginWorkDirectoryURL.appending(path: "spv")

        let includes = try listFiles(in: shaders.appending(path: "include"), suffix: ".glsl")
            + listFiles(in: abiInclude, suffix: ".h")
        var commands: [Command] = []
        var modules: [URL] = []
        for variant in try parseVariants(table) {
            let source = shaders.appending(path: variant.source)
            let spv = out.appending(path: "\(variant.name).spv")
            modules.append(spv)
            var arguments = ["--target-env=vulkan1.2", "-O", "-Werror", "-DVEER_GLSL",
                             "-I", shaders.appending(path: "include").path, "-I", abiInclude.path]
            arguments += variant.defines.map { "-D\($0)" }
            arguments += ["-o", spv.path, source.path]
            commands.append(.buildCommand(
                displayName: "Compiling GLSL \(variant.name) (\(variant.source))",
                executable: glslc, arguments: arguments,
                inputFiles: [source, table] + includes, outputFiles: [spv]))
        }
        let swiftFile = context.pluginWorkDirectoryURL.appending(path: "EmbeddedSPIRV.swift")
        commands.append(.buildCommand(
            displayName: "Embedding \(modules.count) SPIR-V modules",
            executable: try context.tool(named: "spv2swift").url,
            arguments: [swiftFile.path] + modules.map(\.path),
            inputFiles: modules, outputFiles: [swiftFile]))
        return commands
    }

    struct Variant { var name: String; var source: String; var defines: [String] }

    func parseVariants(_ url: URL) throws -> [Variant] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var variants: [Variant] = []
        for line in text.split(separator: "\n") {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if fields.isEmpty { continue }
            guard fields.count >= 2, fields[1].hasSuffix(".comp") else {
                throw PluginError("Shaders/variants.txt: expected `name source.comp DEFINES...`, got: \(line)")
            }
            variants.append(Variant(name: fields[0], source: fields[1], defines: Array(fields.dropFirst(2))))
        }
        return variants
    }

    func listFiles(in directory: URL, suffix: String) throws -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { directory.appending(path: $0) }
    }

    /// `context.tool(named:)` does not search PATH, so find glslc ourselves.
    func findGLSLC() throws -> URL {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["GLSLC"] { candidates.append(explicit) }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        candidates += path.split(separator: ":").map { "\($0)/glslc" }
        candidates += ["/usr/bin/glslc", "/usr/local/bin/glslc"]
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return URL(fileURLWithPath: candidate)
        }
        throw PluginError(
            "glslc not found (looked in $GLSLC, PATH, /usr/bin, /usr/local/bin). Veer compiles its shaders at build " +
            "time: install it with `apt-get install glslc` (Debian/Ubuntu) or the Vulkan SDK.")
    }
}

struct PluginError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
