// Reads f16 values and bytes from a buffer declared as `uint[]`, at byte addresses.
//
// Why: GGML blocks are 18 (Q4_0), 20 (Q4_1) and 34 (Q8_0) bytes, so a block, and the row after an odd number of
// blocks, can start at any even address. Reading 32-bit words and shifting works on every Vulkan 1.2 device; the
// 16-/8-bit storage features would avoid the shifts but are optional.
//
// Before including, define VEER_WORDS as the name of the `uint[]` array to read from. Addresses are relative to the
// start of that binding; the host binds whole 4-byte words (ranges rounded up), so a word that straddles the end of
// the last block is still inside the binding.
#ifndef VEER_WORDS
#error "define VEER_WORDS (the uint[] array) before including packed_words.glsl"
#endif

// The IEEE half at a 2-byte-aligned address.
float veerHalfAt(uint byteAddr) {
    return unpackHalf2x16(VEER_WORDS[byteAddr >> 2] >> ((byteAddr & 2u) * 8u)).x;
}

// The 32 little-endian bits starting at a 2-byte-aligned address.
uint veerWordAt(uint byteAddr) {
    uint i = byteAddr >> 2;
    uint lo = VEER_WORDS[i];
    if ((byteAddr & 2u) == 0u) return lo;
    return (lo >> 16) | (VEER_WORDS[i + 1u] << 16);
}

// The byte at any address, zero-extended.
uint veerByteAt(uint byteAddr) {
    return (VEER_WORDS[byteAddr >> 2] >> ((byteAddr & 3u) * 8u)) & 0xFFu;
}
