/// Why the server cannot start with its steering options: a `--vectors` directory that cannot be read, two files
/// registering one name, a file that does not fit the model, `--steer` files that cannot be applied together. The
/// message names the option and the file.
public struct VectorRegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
