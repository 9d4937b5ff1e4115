import ArgumentParser
import Llama
import Steering

/// Which inputs and options each method takes: an option a method does not use is an error, never ignored.
extension ExtractCommand {
    /// The input a method reads.
    enum Input { case pairs, caa, truthfulqa }

    var givenInputs: [Input] {
        var inputs: [Input] = []
        if pairs != nil || positiveFile != nil || negativeFile != nil { inputs.append(.pairs) }
        if caa != nil { inputs.append(.caa) }
        if truthfulqa != nil { inputs.append(.truthfulqa) }
        return inputs
    }

    var acceptedInputs: [Input] {
        switch method {
        case .meanDiff, .cvectorMean, .pcaDiff, .pcaCenter, .austeer: [.pairs]
        case .caa: [.caa]
        case .spherical: [.pairs, .truthfulqa]
        case .iti: [.truthfulqa]
        }
    }

    static func spelling(_ input: Input) -> String {
        switch input {
        case .pairs: "--pairs FILE (or --positive-file and --negative-file)"
        case .caa: "--caa FILE"
        case .truthfulqa: "--truthfulqa FILE"
        }
    }

    func validate() throws {
        let m = method.rawValue
        guard givenInputs.count == 1, acceptedInputs.contains(givenInputs[0]) else {
            throw ValidationError("--method \(m) reads \(acceptedInputs.map(Self.spelling).joined(separator: " or ")); give exactly one")
        }
        if pairs != nil, positiveFile != nil || negativeFile != nil {
            throw ValidationError("give either --pairs FILE or both --positive-file and --negative-file")
        }
        if pairs == nil, givenInputs == [.pairs], (positiveFile == nil) != (negativeFile == nil) {
            throw ValidationError("--positive-file and --negative-file go together")
        }
        if truthfulqa == nil, questions != nil || limit != nil {
            throw ValidationError("--questions and --limit select TruthfulQA questions; they need --truthfulqa FILE")
        }
        if questions != nil && limit != nil { throw ValidationError("give --questions A:B or --limit N, not both") }
        if let limit, limit < 1 { throw ValidationError("--limit \(limit): expected a whole number >= 1") }
        if let questions { _ = try parsedQuestions(questions) }
        func onlyFor(_ methods: [Method], _ option: String, given: Bool) throws {
            if given && !methods.contains(method) {
                throw ValidationError("\(option) applies to --method \(methods.map(\.rawValue).joined(separator: ", ")), not \(m)")
            }
        }
        try onlyFor([.meanDiff], "--reduce", given: reduce != nil)
        try onlyFor([.austeer], "--site", given: site != nil)
        try onlyFor([.austeer], "--k", given: k != nil)
        try onlyFor([.austeer, .iti, .spherical], "--alpha", given: alpha != nil)
        try onlyFor([.spherical], "--kappa", given: kappa != nil)
        try onlyFor([.spherical], "--beta", given: beta != nil)
        try onlyFor([.spherical], "--ungated", given: ungated)
        try onlyFor([.spherical], "--t", given: fixedT != nil)
        try onlyFor([.iti], "--heads", given: heads != nil)
        if let reduce, !["last", "mean"].contains(reduce) { throw ValidationError("--reduce \(reduce): expected last or mean") }
        if method == .cvectorMean && chat {
            throw ValidationError("cvector-mean reads prompts as llama.cpp does, templates included in the text; drop --chat")
        }
        if method == .caa && chat { throw ValidationError("caa always uses the chat template; drop --chat") }
        if let k, k < 1 { throw ValidationError("--k \(k): expected a whole number of units >= 1") }
        if let heads, heads < 1 { throw ValidationError("--heads \(heads): expected a whole number of heads >= 1") }
        if let site { _ = try austeerSite(site) }
        for (option, value) in [("--alpha", alpha), ("--kappa", kappa), ("--beta", beta), ("--t", fixedT)] {
            if let value, !value.isFinite { throw ValidationError("\(option) \(value): expected a finite number") }
        }
        if let beta, !(beta >= -1 && beta < 1) { throw ValidationError("--beta \(beta): expected a value in [-1, 1)") }
        if ungated {
            guard let fixedT else { throw ValidationError("--ungated needs --t T, the fraction every position turns by") }
            guard (0...1).contains(fixedT) else { throw ValidationError("--t \(fixedT): expected a fraction in [0, 1]") }
            if alpha != nil || kappa != nil || beta != nil {
                throw ValidationError("--ungated rotates by --t at every position: --alpha, --kappa and --beta belong to the gate")
            }
        } else if fixedT != nil {
            throw ValidationError("--t is the fixed fraction of --ungated; the gated rotation takes --alpha")
        }
        if let layers { _ = try parseLayers(layers) }
        _ = try parsedStrengthRange()
    }

    func parseLayers(_ text: String) throws -> LayerSelection {
        do { return try LayerSelection(parsing: text) } catch { throw ValidationError("\(error)") }
    }

    func parsedStrengthRange() throws -> ClosedRange<Float>? {
        guard let strengthRange else { return nil }
        let parts = strengthRange.split(separator: ":", omittingEmptySubsequences: false).compactMap { Float($0) }
        guard parts.count == 2, parts[0].isFinite, parts[1].isFinite, parts[0] <= parts[1] else {
            throw ValidationError("--strength-range \(strengthRange): expected LO:HI with LO <= HI, e.g. -2:4")
        }
        return parts[0]...parts[1]
    }

    /// `--questions A:B`: 0-based, B excluded.
    func parsedQuestions(_ text: String) throws -> Range<Int> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 2, let a = parts[0], let b = parts[1], a >= 0, b > a else {
            throw ValidationError("--questions \(text): expected A:B with 0 <= A < B (0-based, B excluded), e.g. 0:40")
        }
        return a..<b
    }

    func austeerSite(_ text: String) throws -> HookSite {
        guard let site = HookSite(rawValue: text), AUSteerUnits.sites.contains(site) else {
            throw ValidationError("--site \(text): expected one of \(AUSteerUnits.sites.map(\.rawValue).joined(separator: ", "))")
        }
        return site
    }
}
