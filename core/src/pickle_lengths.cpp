#include "pickle_lengths.h"

#include <cstdint>
#include <cstring>
#include <sstream>

namespace pconv {
namespace {

// How an opcode's argument is laid out (pickle protocols 0-5).
enum class Argument { None, Fixed, Counted, Line, TwoLines, Unknown };

struct OpcodeArgument {
    Argument kind;
    int bytes;  // Fixed: the argument's size; Counted: the size of the length prefix
};

OpcodeArgument argumentOf(unsigned char op) {
    switch (op) {
    case '(': case '.': case '0': case '1': case '2': case 'N': case 'R': case 'a': case 'b': case 'd': case '}':
    case 'e': case 'l': case ']': case 'o': case 's': case 't': case ')': case 'u': case 'Q': case 0x81: case 0x85:
    case 0x86: case 0x87: case 0x88: case 0x89: case 0x8f: case 0x90: case 0x91: case 0x92: case 0x93: case 0x94:
    case 0x97: case 0x98:
        return {Argument::None, 0};
    case 'K': case 'q': case 'h': case 0x80: case 0x82: return {Argument::Fixed, 1};
    case 'M': case 0x83: return {Argument::Fixed, 2};
    case 'J': case 'r': case 'j': case 0x84: return {Argument::Fixed, 4};
    case 'G': case 0x95: return {Argument::Fixed, 8};  // FRAME's length is checked below
    case 'U': case 0x8c: case 'C': case 0x8a: return {Argument::Counted, 1};
    case 'T': case 'X': case 'B': case 0x8b: return {Argument::Counted, 4};
    case 0x8d: case 0x8e: case 0x96: return {Argument::Counted, 8};
    case 'I': case 'L': case 'F': case 'S': case 'V': case 'P': case 'g': case 'p': return {Argument::Line, 0};
    case 'c': case 'i': return {Argument::TwoLines, 0};
    default: return {Argument::Unknown, 0};
    }
}

std::uint64_t littleEndian(const unsigned char* p, int bytes) {
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

} // namespace

std::optional<std::string> findPickleLengthProblem(const unsigned char* data, std::size_t size) {
    std::size_t at = 0;
    while (at < size) {
        const unsigned char op = data[at++];
        const std::size_t left = size - at;
        const OpcodeArgument arg = argumentOf(op);
        switch (arg.kind) {
        case Argument::Unknown: {
            std::ostringstream problem;
            problem << "unknown pickle opcode 0x" << std::hex << int(op) << " at byte " << std::dec << at - 1;
            return problem.str();
        }
        case Argument::None:
            if (op == '.') return std::nullopt;  // STOP: the rest is not LibTorch's to read
            break;
        case Argument::Fixed:
            if (left < static_cast<std::size_t>(arg.bytes)) return std::string("pickle ends inside an opcode's argument");
            if (op == 0x95 && littleEndian(data + at, 8) > left - 8)
                return "a pickle frame of " + std::to_string(littleEndian(data + at, 8)) + " bytes with " + std::to_string(left - 8) + " left";
            at += static_cast<std::size_t>(arg.bytes);
            break;
        case Argument::Counted: {
            if (left < static_cast<std::size_t>(arg.bytes)) return std::string("pickle ends inside a length");
            const std::uint64_t length = littleEndian(data + at, arg.bytes);
            if (length > left - static_cast<std::size_t>(arg.bytes))
                return "a pickled value of " + std::to_string(length) + " bytes with " + std::to_string(left - static_cast<std::size_t>(arg.bytes)) + " left";
            at += static_cast<std::size_t>(arg.bytes) + static_cast<std::size_t>(length);
            break;
        }
        case Argument::Line:
        case Argument::TwoLines:
            for (int line = 0; line < (arg.kind == Argument::Line ? 1 : 2); ++line) {
                const void* newline = std::memchr(data + at, '\n', size - at);
                if (!newline) return std::string("pickle ends inside a text argument");
                at = static_cast<std::size_t>(static_cast<const unsigned char*>(newline) - data) + 1;
            }
            break;
        }
    }
    return std::string("pickle has no STOP opcode");
}

} // namespace pconv
