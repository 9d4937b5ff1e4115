import Kernels

extension DType {
    /// The smallest row length of at least `k` weights that is a whole number of this type's blocks: a test shape
    /// chosen for 32-weight blocks (96, 288, 576) becomes 256, 512, 768 for the K types' 256-weight ones.
    public func wholeBlocks(atLeast k: Int) -> Int { (k + blockSize - 1) / blockSize * blockSize }
}
