/// What a tensor name in a vector file means. llama.cpp accepts only `direction.N` with N >= 1 and refuses the
/// whole file for any other name, which is exactly what Veer-only data needs: a block-0 direction, a direction meant
/// for another hook site than llama.cpp's block output, or data of a non-additive operation (`veer.mu.N`,
/// `veer.units.N`) makes llama.cpp refuse the file instead of applying part of it, or applying it in the wrong place.
enum VectorTensorName: Equatable {
    /// `direction.N`, N >= 1: block N's direction; llama.cpp reads these.
    case direction(block: Int)
    /// `veer.direction.N`, N >= 0: block N's direction in a file llama.cpp must not apply.
    case veerDirection(block: Int)
    /// `veer.mu.N`, N >= 0: block N's unit prototype in a `rotate` file.
    case mu(block: Int)
    /// `veer.units.N`, N >= 0: block N's dense unit coefficients in a `scale_units` file.
    case units(block: Int)
    /// `direction.0`: llama.cpp refuses it; Veer writes block 0 as `veer.direction.0`.
    case llamaCppBlockZero
    case unknown

    static let directionPrefix = "direction."
    static let veerDirectionPrefix = "veer.direction."
    static let muPrefix = "veer.mu."
    static let unitsPrefix = "veer.units."

    init(_ name: String) {
        func block(after prefix: String) -> Int? {
            name.hasPrefix(prefix) ? Self.blockIndex(name.dropFirst(prefix.count)) : nil
        }
        if let n = block(after: Self.veerDirectionPrefix) {
            self = .veerDirection(block: n)
        } else if let n = block(after: Self.muPrefix) {
            self = .mu(block: n)
        } else if let n = block(after: Self.unitsPrefix) {
            self = .units(block: n)
        } else if let n = block(after: Self.directionPrefix) {
            self = n == 0 ? .llamaCppBlockZero : .direction(block: n)
        } else {
            self = .unknown
        }
    }

    /// The block the tensor belongs to and the operation whose data it is (nil for names that are not data).
    var dataBlock: (block: Int, operation: SteeringOperation)? {
        switch self {
        case let .direction(n), let .veerDirection(n): (n, .add)
        case let .mu(n): (n, .rotate)
        case let .units(n): (n, .scaleUnits)
        case .llamaCppBlockZero, .unknown: nil
        }
    }

    /// The tensor name of block `block`'s data under `operation`: for `add`, `name(forBlock:llamaCppReadable:)`.
    static func name(forBlock block: Int, operation: SteeringOperation, llamaCppReadable: Bool = true) -> String {
        switch operation {
        case .add: name(forBlock: block, llamaCppReadable: llamaCppReadable)
        case .rotate: muPrefix + String(block)
        case .scaleUnits: unitsPrefix + String(block)
        }
    }

    /// How the tensors of `operation` are named, for messages.
    static func pattern(of operation: SteeringOperation) -> String {
        switch operation {
        case .add: "direction.N (N >= 1) or veer.direction.N (N >= 0)"
        case .rotate: "veer.mu.N (N >= 0)"
        case .scaleUnits: "veer.units.N (N >= 0)"
        }
    }

    /// The tensor name of block `block`'s direction: llama.cpp's name unless the file must stay Veer-only or the
    /// block is 0 (which llama.cpp has no name for).
    static func name(forBlock block: Int, llamaCppReadable: Bool = true) -> String {
        (block == 0 || !llamaCppReadable ? veerDirectionPrefix : directionPrefix) + String(block)
    }

    /// Plain decimal digits only: "+1", " 1" or "0x1" are not block indices, although a lenient integer parser
    /// (llama.cpp uses std::stoi) might take them.
    private static func blockIndex(_ digits: Substring) -> Int? {
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }
}
