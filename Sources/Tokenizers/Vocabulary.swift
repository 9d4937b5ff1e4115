import GGUF

/// What a token is, from `tokenizer.ggml.token_type` (llama.cpp's token attributes).
public struct TokenAttributes: OptionSet, Sendable, Hashable {
    /// The attribute bits.
    public let rawValue: UInt8
    /// Attributes from their bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// An ordinary token.
    public static let normal = TokenAttributes(rawValue: 1 << 0)
    /// The unknown token.
    public static let unknown = TokenAttributes(rawValue: 1 << 1)
    /// Control tokens (`<|im_start|>`): recognised in text only when special parsing is on, rendered only on request.
    public static let control = TokenAttributes(rawValue: 1 << 2)
    /// Added vocabulary: always recognised in text, always rendered.
    public static let userDefined = TokenAttributes(rawValue: 1 << 3)
    /// A reserved token the model was not trained with.
    public static let unused = TokenAttributes(rawValue: 1 << 4)
    /// `<0xHH>` byte tokens.
    public static let byte = TokenAttributes(rawValue: 1 << 5)
    /// A token type GGUF does not define.
    public static let undefined = TokenAttributes(rawValue: 1 << 6)

    /// From a GGUF token type: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte, else undefined.
    init(tokenType: Int32) {
        switch tokenType {
        case 1: self = .normal
        case 2: self = .unknown
        case 3: self = .control
        case 4: self = .userDefined
        case 5: self = .unused
        case 6: self = .byte
        default: self = .undefined
        }
    }
}

/// The token strings, their attributes and the special token ids of a vocabulary, read from `tokenizer.ggml.*`
/// the way llama.cpp reads them (llama-vocab.cpp): defaults, metadata overrides and text-based detection.
public struct Vocabulary: Sendable {
    /// [vocabulary] token strings as the file stores them ("Ġthe" byte-level, "▁the" SentencePiece); an empty string
    /// is replaced by "[EMPTY_<id>]".
    public let tokens: [String]
    /// [vocabulary] each token's attributes.
    public let attributes: [TokenAttributes]
    /// Token string (by bytes) -> id.
    let ids: [TokenKey: Int32]

    /// Beginning of sequence, if the model has one.
    public let bos: Int32?
    /// End of sequence, if the model has one.
    public let eos: Int32?
    /// End of turn, if the model has one.
    public let eot: Int32?
    /// End of message (tool calls), if the model has one.
    public let eom: Int32?
    /// The token for unknown text, if the model has one.
    public let unknown: Int32?
    /// Padding, if the model has one.
    public let padding: Int32?
    /// Tokens that end generation: eos, eot, eom, the fill-in-the-middle pad/repo/separator tokens, and every token
    /// spelled like a known end marker (`<|im_end|>`, `<|endoftext|>`, `<|eot_id|>`, ...).
    public let endOfGeneration: Set<Int32>
    /// `tokenizer.ggml.add_bos_token`, else the model's default (true for SentencePiece and Llama 3).
    public let addsBOS: Bool
    /// `tokenizer.ggml.add_eos_token`, else false.
    public let addsEOS: Bool
    /// Control, user-defined and unknown tokens, longest text first (ties: lower id): matched before BPE.
    let specialTokens: [Int32]

    /// The number of tokens.
    public var count: Int { tokens.count }

    /// The id of the token spelled `text` (as the vocabulary stores it: "Ġthe" byte-level, "▁the" SentencePiece),
    /// or nil.
    public func id(of text: String) -> Int32? { ids[TokenKey(text)] }

    /// The id of the token whose stored text is the UTF-8 `bytes`, or nil.
    func id(ofUTF8 bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        ids[TokenKey(String(decoding: bytes, as: UTF8.self))]
    }

    /// Whether `id` ends generation (see `endOfGeneration`).
    public func isEndOfGeneration(_ id: Int32) -> Bool { endOfGeneration.contains(id) }
}

extension Vocabulary {
    // Token texts llama.cpp treats as end-of-turn, end-of-message and end-of-generation markers, and the
    // fill-in-the-middle markers it adds to the end-of-generation set (llama-vocab.cpp, `load`).
    static let endOfTurnTexts: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>",
        "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>",
    ]
    static let endOfMessageTexts: Set<String> = ["<|eom_id|>"]
    static let fimMarkerTexts: [(key: String, texts: Set<String>)] = [
        ("tokenizer.ggml.fim_pre_token_id", ["<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>",
                                             "▁<PRE>", "<|code_prefix|>", "<|prefix|>"]),
        ("tokenizer.ggml.fim_suf_token_id", ["<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>",
                                             "▁<SUF>", "<|code_suffix|>", "<|suffix|>"]),
        ("tokenizer.ggml.fim_mid_token_id", ["<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>",
                                             "▁<MID>", "<|code_middle|>", "<|middle|>"]),
    ]
    static let fimPadTexts: Set<String> = ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"]
    static let fimRepoTexts: Set<String> = ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"]
    static let fimSeparatorTexts: Set<String> = ["<|file_sep|>"]
    static let endOfGenerationTexts: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>",
        "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>",
        "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[",
    ]

    /// What a tokenizer model assumes when the metadata does not say (llama.cpp's per-model defaults).
    struct Defaults {
        var bos: Int32?
        var eos: Int32?
        var unknown: Int32?
        var addsBOS: Bool

        /// `gpt2`: BOS and EOS 11 (when inside the vocabulary), no unknown token; BOS as the pre-tokenizer says.
        static func bytePairs(_ preTokenizer: PreTokenizer) -> Defaults {
            Defaults(bos: 11, eos: 11, unknown: nil, addsBOS: preTokenizer.addsBOSByDefault)
        }
        /// `llama` (SentencePiece): BOS 1, EOS 2, unknown 0, BOS added.
        static let sentencePiece = Defaults(bos: 1, eos: 2, unknown: 0, addsBOS: true)
    }

    /// Reads the vocabulary; `defaults` are the tokenizer model's.
    init(metadata: GGUFMetadata, defaults: Defaults) throws {
        let file = metadata.file
        var tokens = try metadata.stringArray("tokenizer.ggml.tokens")
        var attributes = [TokenAttributes](repeating: .normal, count: tokens.count)
        if metadata.contains("tokenizer.ggml.token_type") {
            let types = try metadata.int32Array("tokenizer.ggml.token_type")
            guard types.count >= tokens.count else {
                throw TokenizerError.invalidVocabulary(file: file, detail:
                    "tokenizer.ggml.token_type has \(types.count) entries for \(tokens.count) tokens")
            }
            for i in tokens.indices { attributes[i] = TokenAttributes(tokenType: types[i]) }
        }
        guard !tokens.isEmpty, tokens.count < Int(Int32.max) else {
            throw TokenizerError.invalidVocabulary(file: file, detail: "\(tokens.count) tokens")
        }
        var ids: [TokenKey: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for i in tokens.indices {
            if tokens[i].isEmpty { tokens[i] = "[EMPTY_\(i)]" }
            if let earlier = ids.updateValue(Int32(i), forKey: TokenKey(tokens[i])) {
                throw TokenizerError.invalidVocabulary(file: file, detail:
                    "token '\(tokens[i])' has ids \(earlier) and \(i)")
            }
        }

        // Special ids: the metadata's, else the model's defaults (dropped when outside the vocabulary). An id the
        // metadata states outside the vocabulary is an error: falling back to the default would run with a token
        // the file never named.
        func special(_ key: String, default value: Int32?) throws -> Int32? {
            let fallback = value.flatMap { Int($0) < tokens.count ? $0 : nil }
            guard let stored = try metadata.ifPresent(key, metadata.integer) else { return fallback }
            guard stored >= 0 && stored < tokens.count else {
                throw TokenizerError.invalidVocabulary(file: file, detail:
                    "\(key) is \(stored), outside the vocabulary (expected an id in 0...\(tokens.count - 1))")
            }
            return Int32(stored)
        }
        // A marker found by its text (not given by the metadata) becomes a control token, as in llama.cpp.
        var detected: [Int32] = []
        func detect(_ key: String, _ texts: Set<String>) throws -> Int32? {
            if let id = try special(key, default: nil) { return id }
            guard let id = texts.compactMap({ ids[TokenKey($0)] }).min() else { return nil }
            detected.append(id)
            return id
        }
        bos = try special("tokenizer.ggml.bos_token_id", default: defaults.bos)
        eos = try special("tokenizer.ggml.eos_token_id", default: defaults.eos)
        unknown = try special("tokenizer.ggml.unknown_token_id", default: defaults.unknown)
        padding = try special("tokenizer.ggml.padding_token_id", default: nil)
        eot = try detect("tokenizer.ggml.eot_token_id", Self.endOfTurnTexts)
        eom = try detect("tokenizer.ggml.eom_token_id", Self.endOfMessageTexts)
        for (key, texts) in Self.fimMarkerTexts { _ = try detect(key, texts) }
        let fimPad = try detect("tokenizer.ggml.fim_pad_token_id", Self.fimPadTexts)
        let fimRepo = try detect("tokenizer.ggml.fim_rep_token_id", Self.fimRepoTexts)
        let fimSeparator = try detect("tokenizer.ggml.fim_sep_token_id", Self.fimSeparatorTexts)

        var endOfGeneration = Set([fimPad, fimRepo, fimSeparator, eos, eot, eom].compactMap { $0 })
        for id in Self.endOfGenerationTexts.compactMap({ ids[TokenKey($0)] }) {
            endOfGeneration.insert(id)
            detected.append(id)
        }
        for id in detected { attributes[Int(id)].insert(.control) }

        addsBOS = try metadata.ifPresent("tokenizer.ggml.add_bos_token", metadata.bool) ?? defaults.addsBOS
        addsEOS = try metadata.ifPresent("tokenizer.ggml.add_eos_token", metadata.bool) ?? false
        if addsBOS && bos == nil {
            throw TokenizerError.invalidVocabulary(file: file, detail: "add_bos_token is true but there is no BOS token")
        }
        if addsEOS && eos == nil {
            throw TokenizerError.invalidVocabulary(file: file, detail: "add_eos_token is true but there is no EOS token")
        }

        let specialKinds: TokenAttributes = [.control, .userDefined, .unknown]
        specialTokens = tokens.indices
            .filter { !attributes[$0].isDisjoint(with: specialKinds) }
            .sorted { (tokens[$0].utf8.count, -$0) > (tokens[$1].utf8.count, -$1) }
            .map(Int32.init)
        self.endOfGeneration = endOfGeneration
        self.tokens = tokens
        self.attributes = attributes
        self.ids = ids
    }
}
