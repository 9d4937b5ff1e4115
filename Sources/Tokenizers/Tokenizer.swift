import GGUF

/// A piece of text to tokenize and whether special tokens written in it are recognised. Chat rendering marks the
/// template's own markup `parseSpecial: true` and message content `false`, so a user typing "<|im_end|>" gets the
/// characters, never the control token.
public struct TextSegment: Sendable, Equatable {
    /// The text.
    public var text: String
    /// Whether special tokens written in `text` become their ids (else their characters are tokenized).
    public var parseSpecial: Bool
    /// A segment of `text`.
    public init(_ text: String, parseSpecial: Bool) {
        self.text = text
        self.parseSpecial = parseSpecial
    }
}

/// The result of tokenizing: ids, whether BOS/EOS were added, and which input bytes each token came from.
public struct Encoding: Sendable, Equatable {
    /// The token ids, BOS and EOS included when added.
    public var ids: [Int32]
    /// Whether a BOS token was put first.
    public var usedBOS: Bool
    /// Whether an EOS token was put last.
    public var usedEOS: Bool
    /// [ids] the UTF-8 byte range of the input each token stands for (BOS: the empty range at 0, EOS: at the end).
    public var byteRanges: [Range<Int>]

    /// The index of the first token that covers any byte at or after `byteOffset` (`ids.count` if none does).
    public func firstToken(atOrAfterByte byteOffset: Int) -> Int {
        byteRanges.firstIndex { $0.upperBound > byteOffset && !$0.isEmpty } ?? ids.count
    }
}

/// The tokenization algorithms Veer reads (`tokenizer.ggml.model`).
public enum TokenizerKind: String, Sendable, Equatable {
    /// `gpt2`: byte-level BPE with a pre-tokenizer regex (SmolLM2, Llama 3, Qwen2).
    case bytePairs = "gpt2"
    /// `llama`: SentencePiece-style merging by score with byte fallback (Gemma, Llama 1/2).
    case sentencePiece = "llama"
}

/// A tokenizer built from a GGUF file's `tokenizer.ggml.*` metadata, matching llama.cpp's `llama_tokenize`: special
/// tokens are split out first (longest first); the rest is tokenized by the file's model: byte-level BPE (split into
/// words by the pre-tokenizer regex named by `tokenizer.ggml.pre`, each word merged by rank) or SentencePiece
/// (merged whole by score, see `SentencePieceModel`).
public final class Tokenizer: Sendable {
    /// The tokens, their attributes and the special ids.
    public let vocabulary: Vocabulary
    /// The algorithm, from `tokenizer.ggml.model`.
    public let kind: TokenizerKind
    /// How text is split into words before BPE merges; nil for SentencePiece, which has no pre-tokenizer.
    public let preTokenizer: PreTokenizer?
    /// `tokenizer.ggml.add_space_prefix` (default: true for SentencePiece, false for BPE): SentencePiece puts a
    /// space before text that starts the input or follows a special token, and detokenizing drops the first
    /// token's leading space.
    public let addsSpacePrefix: Bool
    let model: Model
    /// The byte-level spelling of each token decoded to bytes (for `special` rendering) in one flat buffer.
    let pieces: TokenPieces

    enum Model: Sendable {
        case bytePairs(BPEModel, PreTokenizer)
        case sentencePiece(SentencePieceModel)
    }

    /// The tokenizer of the model in `file`.
    public convenience init(file: GGUFFile) throws {
        try self.init(metadata: file.metadata)
    }

    /// The tokenizer described by `tokenizer.ggml.*` in `metadata`; throws `TokenizerError` for a model or
    /// pre-tokenizer Veer does not support and `GGUFError` for a missing or mistyped key.
    public init(metadata: GGUFMetadata) throws {
        let modelName = try metadata.string("tokenizer.ggml.model")
        guard let kind = TokenizerKind(rawValue: modelName) else {
            throw TokenizerError.unsupportedModel(file: metadata.file, model: modelName)
        }
        self.kind = kind
        switch kind {
        case .bytePairs:
            // Without the key llama.cpp uses its "default" regexes, which this tokenizer does not implement.
            let preName = try metadata.ifPresent("tokenizer.ggml.pre", metadata.string) ?? "default (key missing)"
            guard let preTokenizer = PreTokenizer(name: preName) else {
                throw TokenizerError.unknownPreTokenizer(file: metadata.file, name: preName)
            }
            self.preTokenizer = preTokenizer
            vocabulary = try Vocabulary(metadata: metadata, defaults: .bytePairs(preTokenizer))
            model = .bytePairs(BPEModel(tokens: vocabulary.tokens, ids: vocabulary.ids,
                                        merges: try metadata.stringArray("tokenizer.ggml.merges")), preTokenizer)
            pieces = TokenPieces(vocabulary: vocabulary, spelling: .byteLevel)
        case .sentencePiece:
            // llama.cpp reads tokenizer.ggml.pre only for BPE models: a SentencePiece file's value is not used.
            preTokenizer = nil
            vocabulary = try Vocabulary(metadata: metadata, defaults: .sentencePiece)
            model = .sentencePiece(try SentencePieceModel(metadata: metadata, vocabulary: vocabulary))
            pieces = TokenPieces(vocabulary: vocabulary, spelling: .sentencePiece)
        }
        addsSpacePrefix = try metadata.ifPresent("tokenizer.ggml.add_space_prefix", metadata.bool)
            ?? (kind == .sentencePiece)
    }

    /// Tokenizes `text`. `parseSpecial`: recognise control tokens written in the text (on for a raw prompt, as
    /// llama.cpp's `parse_special`; off for user content). User-defined tokens are recognised either way, as in
    /// llama.cpp. `addBOS`/`addEOS` override the model's `add_bos_token`/`add_eos_token`.
    public func encode(_ text: String, parseSpecial: Bool = true, addBOS: Bool? = nil, addEOS: Bool? = nil) -> Encoding {
        encode([TextSegment(text, parseSpecial: parseSpecial)], addBOS: addBOS, addEOS: addEOS)
    }

    /// Tokenizes the concatenation of `segments` as one text (words may span segment boundaries, exactly as if the
    /// text were tokenized whole), recognising control tokens only where they lie entirely inside segments that allow
    /// it (a run of such segments counts as one). Byte ranges refer to the concatenated UTF-8.
    public func encode(_ segments: [TextSegment], addBOS: Bool? = nil, addEOS: Bool? = nil) -> Encoding {
        var bytes: [UInt8] = []
        var allowed: [Range<Int>] = []
        for segment in segments {
            let start = bytes.count
            bytes.append(contentsOf: segment.text.utf8)
            guard segment.parseSpecial && bytes.count > start else { continue }
            // Neighbouring parse-special segments form one range: a token may span them.
            if let last = allowed.last, last.upperBound == start {
                allowed[allowed.count - 1] = last.lowerBound..<bytes.count
            } else {
                allowed.append(start..<bytes.count)
            }
        }
        let usedBOS = addBOS ?? vocabulary.addsBOS
        let usedEOS = addEOS ?? vocabulary.addsEOS
        var encoding = Encoding(ids: [], usedBOS: false, usedEOS: false, byteRanges: [])
        encoding.ids.reserveCapacity(bytes.count / 3 + 2)
        encoding.byteRanges.reserveCapacity(bytes.count / 3 + 2)
        if usedBOS, let bos = vocabulary.bos {
            encoding.ids.append(bos)
            encoding.byteRanges.append(0..<0)
            encoding.usedBOS = true
        }
        bytes.withUnsafeBufferPointer { buffer in
            let fragments = partition(buffer, specialAllowedIn: allowed)
            switch model {
            case let .bytePairs(bpe, preTokenizer):
                var workspace = BPEWorkspace()
                for fragment in fragments {
                    switch fragment {
                    case let .special(id, range):
                        encoding.ids.append(id)
                        encoding.byteRanges.append(range)
                    case let .text(range):
                        encodeWords(buffer, range, model: bpe, preTokenizer: preTokenizer, workspace: &workspace,
                                    into: &encoding)
                    }
                }
            case let .sentencePiece(spm):
                var workspace = SentencePieceWorkspace()
                // A space goes before text at the start and after each special token (llama.cpp's is_prev_special).
                var afterSpecial = true
                for fragment in fragments {
                    switch fragment {
                    case let .special(id, range):
                        encoding.ids.append(id)
                        encoding.byteRanges.append(range)
                        afterSpecial = true
                    case let .text(range):
                        workspace.encode(buffer, range, prefixSpace: addsSpacePrefix && afterSpecial, model: spm,
                                         vocabulary: vocabulary, ids: &encoding.ids, ranges: &encoding.byteRanges)
                        afterSpecial = false
                    }
                }
            }
        }
        if usedEOS, let eos = vocabulary.eos {
            encoding.ids.append(eos)
            encoding.byteRanges.append(bytes.count..<bytes.count)
            encoding.usedEOS = true
        }
        return encoding
    }

    /// Pre-tokenizes and merges one stretch of text without special tokens (BPE).
    private func encodeWords(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, model: BPEModel,
                             preTokenizer: PreTokenizer, workspace: inout BPEWorkspace, into encoding: inout Encoding) {
        let text = ScalarText(utf8: bytes, range: range)
        for word in preTokenizer.split(text) {
            let start = text.byteOffsets[word.lowerBound], end = text.byteOffsets[word.upperBound]
            let wordBytes = UnsafeBufferPointer(rebasing: bytes[start..<end])
            // Llama 3 takes a word that is itself a token as is, without merging.
            if preTokenizer.ignoresMerges, let id = vocabulary.ids[TokenKey(ByteLevel.encode(wordBytes))] {
                encoding.ids.append(id)
                encoding.byteRanges.append(start..<end)
                continue
            }
            workspace.encode(wordBytes, base: start, model: model, ids: &encoding.ids, ranges: &encoding.byteRanges)
        }
    }
}
