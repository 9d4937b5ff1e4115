import ArgumentParser
import Foundation
import Testing
import TestSupport
@testable import VeerCLI
import Yams

/// deploy/: the Kubernetes manifests carry what a cluster relies on (probes on /health, Prometheus annotations, an
/// Indexed Job with one shard per completion), and every `veer ...` command line in them and in the Dockerfile parses
/// with the CLI's own option definitions, so a renamed option fails here rather than in a cluster.
@Suite("deploy manifests")
struct DeployManifestTests {
    static let deploy = TestFileLocations.data.deletingLastPathComponent().appending(path: "deploy")

    /// The YAML documents of deploy/kubernetes/NAME, as dictionaries.
    static func documents(_ name: String) throws -> [[String: Any]] {
        let url = deploy.appending(path: "kubernetes/\(name)")
        let documents = try Yams.load_all(yaml: String(contentsOf: url, encoding: .utf8)).map { document in
            try #require(document as? [String: Any], "\(name): every document must be a mapping")
        }
        try #require(!documents.isEmpty, "\(name): no YAML document")
        return documents
    }

    static func dockerfile() throws -> String {
        try String(contentsOf: deploy.appending(path: "Dockerfile"), encoding: .utf8)
    }

    @Test func deploymentIsProbedOnHealthAndScrapedByPrometheus() throws {
        let documents = try Self.documents("deployment.yaml")
        #expect(documents.map { $0["kind"] as? String } == ["Deployment", "Service"])
        let deployment = documents[0], service = documents[1]
        let template = try #require(deployment[path: "spec", "template"])
        let container = try #require((template[path: "spec"]?["containers"] as? [[String: Any]])?.first)
        let port = try #require((container["ports"] as? [[String: Any]])?.first)
        let portName = try #require(port["name"] as? String), portNumber = try #require(port["containerPort"] as? Int)

        for probe in ["readinessProbe", "livenessProbe"] {
            let get = try #require(container[path: probe, "httpGet"], "\(probe) must be an httpGet probe")
            #expect(get["path"] as? String == "/health", "\(probe)")
            #expect(get["port"] as? String == portName || get["port"] as? Int == portNumber, "\(probe) must probe the server's port")
        }
        let annotations = try #require(template[path: "metadata"]?["annotations"] as? [String: String],
                                       "pod annotations must all be strings (Kubernetes refuses other types)")
        #expect(annotations["prometheus.io/scrape"] == "true")
        #expect(annotations["prometheus.io/port"] == String(portNumber))
        #expect(annotations["prometheus.io/path"] == "/metrics")
        #expect(container[path: "resources", "requests"] != nil && container[path: "resources", "limits"] != nil)

        // The server listens on the port the probes and the Service use, and gets time to drain before SIGKILL.
        let arguments = try Self.commandLine(of: container, environment: [:])
        #expect(arguments.value(of: "--port") == String(portNumber))
        let drain = try #require(arguments.value(of: "--drain-timeout").flatMap(Double.init), "give --drain-timeout explicitly")
        let grace = try #require(template[path: "spec"]?["terminationGracePeriodSeconds"] as? Int)
        #expect(Double(grace) > drain, "terminationGracePeriodSeconds \(grace) must exceed --drain-timeout \(drain)")

        let labels = try #require(template[path: "metadata"]?["labels"] as? [String: String])
        let selector = try #require(service[path: "spec"]?["selector"] as? [String: String])
        #expect(!selector.isEmpty && selector.allSatisfy { labels[$0.key] == $0.value }, "the Service must select the pods")
        let servicePort = try #require((service[path: "spec"]?["ports"] as? [[String: Any]])?.first)
        #expect(servicePort["targetPort"] as? String == portName || servicePort["targetPort"] as? Int == portNumber)
    }

    @Test func evalJobRunsOneShardPerCompletionIndex() throws {
        let documents = try Self.documents("eval-job.yaml")
        #expect(documents.map { $0["kind"] as? String } == ["Job"])
        let spec = try #require(documents[0][path: "spec"])
        #expect(spec["completionMode"] as? String == "Indexed")
        let completions = try #require(spec["completions"] as? Int)
        let parallelism = try #require(spec["parallelism"] as? Int)
        #expect(completions >= 2 && (1...completions).contains(parallelism))
        let container = try #require((spec[path: "template", "spec"]?["containers"] as? [[String: Any]])?.first)
        // Every index gets its own slice of the same n, and writes somewhere of its own.
        var outputs: Set<String> = []
        for index in 0..<completions {
            let line = try Self.commandLine(of: container, environment: ["JOB_COMPLETION_INDEX": String(index)])
            #expect(line.arguments.prefix(3) == ["veer", "eval", "mc"])
            #expect(line.value(of: "--shard") == "\(index)/\(completions)")
            outputs.insert(line.shell)
        }
        #expect(outputs.count == completions, "each index must run a different command (its own output file)")
    }

    /// Every `veer ...` line in deploy/ parses with `Veer`'s option definitions, as `veer` itself would parse it, and
    /// selects the expected subcommand. (`veer serve` lines need ServeCommand.)
    @Test func everyVeerCommandLineParsesWithTheCLI() throws {
        let deployment = try #require((Self.documents("deployment.yaml")[0][path: "spec", "template", "spec"]?["containers"] as? [[String: Any]])?.first)
        let job = try #require((Self.documents("eval-job.yaml")[0][path: "spec", "template", "spec"]?["containers"] as? [[String: Any]])?.first)
        let lines: [(source: String, line: ManifestCommandLine, command: String)] = [
            ("deploy/Dockerfile ENTRYPOINT + CMD", try Self.dockerCommandLine(try Self.dockerfile()), "serve"),
            ("deployment.yaml", try Self.commandLine(of: deployment, environment: [:]), "serve"),
            ("eval-job.yaml", try Self.commandLine(of: job, environment: ["JOB_COMPLETION_INDEX": "0"]), "mc"),
        ]
        for (source, line, command) in lines {
            #expect(line.arguments.first == "veer", "\(source): \(line.arguments)")
            do {
                let arguments = Veer.searchAsSubcommand(LlamaCppArguments.joiningPairs(Array(line.arguments.dropFirst())))
                let parsed = try Veer.parseAsRoot(arguments)
                #expect(type(of: parsed)._commandName == command, "\(source): parsed as \(type(of: parsed))")
            } catch {
                Issue.record("\(source): veer rejects \(line.arguments.joined(separator: " ")): \(Veer.fullMessage(for: error))")
            }
        }
    }

    @Test func commandLinesAreReadAsDockerAndTheShellWouldRunThem() throws {
        let docker = try Self.dockerCommandLine(#"""
            FROM b AS build
            ENTRYPOINT ["not", "the", "image's"]
            FROM x
            ENTRYPOINT ["veer", "serve", \
                "--port", "1"]
            CMD ["--slots", "2"]
            """#)
        #expect(docker.arguments == ["veer", "serve", "--port", "1", "--slots", "2"])
        let shell = try Self.commandLine(of: ["command": ["/bin/sh", "-c"], "args": [#"cd /x && veer eval mc --data 'a b' --shard $(I)/2 --json > "/r/$(I).json""#]],
                                         environment: ["I": "1"])
        #expect(shell.arguments == ["veer", "eval", "mc", "--data", "a b", "--shard", "1/2", "--json"])
        #expect(throws: DeployManifestError.self) {
            try Self.commandLine(of: ["command": ["veer", "eval", "mc", "--shard", "$(MISSING)/2"]], environment: [:])
        }
        #expect(throws: DeployManifestError.self) { try Self.dockerCommandLine("FROM x\nENTRYPOINT veer serve\n") }
    }
}

struct DeployManifestError: Error, CustomStringConvertible {
    var description: String
}

/// One `veer` invocation found in a manifest: its arguments, and the whole command it came from.
struct ManifestCommandLine {
    var arguments: [String]
    var shell: String

    /// The value after `option` (`--shard 0/4`), if given.
    func value(of option: String) -> String? {
        guard let at = arguments.firstIndex(of: option), at + 1 < arguments.endIndex else { return nil }
        return arguments[at + 1]
    }
}

extension DeployManifestTests {
    /// The image's ENTRYPOINT followed by its CMD (the last of each in the last stage, as in Docker), in exec form.
    static func dockerCommandLine(_ dockerfile: String) throws -> ManifestCommandLine {
        var instructions: [String: [String]] = [:]
        for line in dockerfile.replacingOccurrences(of: "\\\n", with: " ").split(separator: "\n") {
            let words = line.split(separator: " ", maxSplits: 1)
            let keyword = words.first.map { $0.uppercased() }
            if keyword == "FROM" { instructions = [:] }  // each stage starts afresh; the last stage is the image
            guard let keyword, ["ENTRYPOINT", "CMD"].contains(keyword) else { continue }
            guard words.count == 2, let list = try? JSONSerialization.jsonObject(with: Data(words[1].utf8)) as? [String] else {
                throw DeployManifestError(description: "Dockerfile \(keyword): expected the exec form, a JSON list of strings, got \(line)")
            }
            instructions[keyword] = list
        }
        let arguments = (instructions["ENTRYPOINT"] ?? []) + (instructions["CMD"] ?? [])
        return ManifestCommandLine(arguments: arguments, shell: arguments.joined(separator: " "))
    }

    /// A container's `command` + `args` after Kubernetes' `$(VAR)` expansion from `environment` and the container's
    /// literal `env` values; for `sh -c SCRIPT`, the script's `veer ...` command (up to a redirection or operator).
    static func commandLine(of container: [String: Any], environment: [String: String]) throws -> ManifestCommandLine {
        var variables = environment
        for entry in container["env"] as? [[String: Any]] ?? [] {
            if let name = entry["name"] as? String, let value = entry["value"] as? String { variables[name] = value }
        }
        let words = try ((container["command"] as? [String] ?? []) + (container["args"] as? [String] ?? [])).map {
            try expand($0, variables)
        }
        guard ["sh", "/bin/sh", "bash", "/bin/bash"].contains(words.first ?? ""), words.count == 3, words[1] == "-c" else {
            return ManifestCommandLine(arguments: words, shell: words.joined(separator: " "))
        }
        let segments = shellWords(words[2]).split { ["&&", "||", ";", "|", ">", ">>", "<", "&"].contains($0) }
        guard let veer = segments.first(where: { $0.first == "veer" }) else {
            throw DeployManifestError(description: "no veer command in the shell script \(words[2])")
        }
        return ManifestCommandLine(arguments: Array(veer), shell: words[2])
    }

    /// Kubernetes' dependent variable expansion: `$(NAME)` becomes the variable's value and `$$` a `$`. A reference to
    /// a variable the container does not define would reach the program as written: an error here.
    static func expand(_ text: String, _ variables: [String: String]) throws -> String {
        var result = "", rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            if rest.first == "$" {
                result += "$"; rest = rest.dropFirst()
            } else if rest.first == "(", let close = rest.firstIndex(of: ")") {
                let name = String(rest[rest.index(after: rest.startIndex)..<close])
                guard let value = variables[name] else {
                    throw DeployManifestError(description: "\(text): $(\(name)) is not defined in the container's environment")
                }
                result += value
                rest = rest[rest.index(after: close)...]
            } else {
                result += "$"
            }
        }
        return result + rest
    }

    /// A POSIX shell's words for a simple script: blanks separate, single and double quotes group, and the control
    /// and redirection operators (`&&`, `>>`, `|`, ...) are words of their own.
    static func shellWords(_ script: String) -> [String] {
        let operators: Set<Character> = ["&", "|", ";", "<", ">"]
        var words: [String] = [], word = "", inWord = false, quote: Character? = nil, previousOperator: Character? = nil
        for character in script {
            let operatorNow = quote == nil && operators.contains(character) ? character : nil
            defer { previousOperator = operatorNow }
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character; inWord = true
            } else if character.isWhitespace || operatorNow != nil {
                if inWord { words.append(word) }
                word = ""; inWord = false
                guard let operatorNow else { continue }
                if previousOperator == operatorNow { words[words.count - 1].append(operatorNow) } else { words.append(String(operatorNow)) }
            } else {
                word.append(character); inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }
}

private extension Dictionary where Key == String, Value == Any {
    /// The nested mapping at `keys`, if every step is a mapping.
    subscript(path keys: String...) -> [String: Any]? {
        var node: [String: Any]? = self
        for key in keys { node = node?[key] as? [String: Any] }
        return node
    }
}
