#include "pickle_storages.h"

#include <cstring>
#include <unordered_map>
#include <variant>
#include <vector>

namespace pconv {
namespace {

struct Global {
    std::string name;  // "torch FloatStorage"
};
struct Other {};
struct Mark {};
using Tuple = std::vector<struct Value>;
struct Value {
    std::variant<Other, Mark, std::string, std::int64_t, Global, Tuple> v;
};

std::uint64_t littleEndian(const unsigned char* p, int bytes) {
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

// Bytes per element of the storage classes LibTorch pickles; 0 for any other.
std::uint64_t elementBytes(const std::string& global) {
    static const std::unordered_map<std::string, std::uint64_t> sizes = {
        {"torch FloatStorage", 4}, {"torch DoubleStorage", 8}, {"torch HalfStorage", 2}, {"torch BFloat16Storage", 2},
        {"torch LongStorage", 8},  {"torch IntStorage", 4},    {"torch ShortStorage", 2}, {"torch CharStorage", 1},
        {"torch ByteStorage", 1},  {"torch BoolStorage", 1}};
    const auto it = sizes.find(global);
    return it == sizes.end() ? 0 : it->second;
}

} // namespace

std::optional<std::map<std::string, std::uint64_t>> declaredStorageBytes(const unsigned char* data, std::size_t size) {
    std::vector<Value> stack;
    std::unordered_map<std::uint64_t, Value> memo;
    std::map<std::string, std::uint64_t> storages;
    std::size_t at = 0;
    auto have = [&](std::size_t n) { return size - at >= n; };
    auto pop = [&](std::size_t n) {
        if (stack.size() < n) return false;
        stack.resize(stack.size() - n);
        return true;
    };
    auto popToMark = [&]() -> std::optional<Tuple> {
        Tuple items;
        while (!stack.empty() && !std::holds_alternative<Mark>(stack.back().v)) {
            items.insert(items.begin(), stack.back());
            stack.pop_back();
        }
        if (stack.empty()) return std::nullopt;
        stack.pop_back();
        return items;
    };
    auto pushText = [&](int lengthBytes) {
        if (!have(static_cast<std::size_t>(lengthBytes))) return false;
        const std::uint64_t n = littleEndian(data + at, lengthBytes);
        at += static_cast<std::size_t>(lengthBytes);
        if (!have(n)) return false;
        stack.push_back({std::string(reinterpret_cast<const char*>(data + at), n)});
        at += n;
        return true;
    };
    auto pushInt = [&](int bytes, bool isSigned) {
        if (!have(static_cast<std::size_t>(bytes))) return false;
        std::uint64_t v = littleEndian(data + at, bytes);
        if (isSigned && bytes < 8 && (v >> (8 * bytes - 1)) & 1) v |= ~0ULL << (8 * bytes);
        at += static_cast<std::size_t>(bytes);
        stack.push_back({static_cast<std::int64_t>(v)});
        return true;
    };
    while (at < size) {
        const unsigned char op = data[at++];
        bool ok = true;
        switch (op) {
        case 0x80: ok = have(1), at += 1; break;  // PROTO
        case 0x95: ok = have(8), at += 8; break;  // FRAME
        case '.': return storages;                // STOP
        case 'c': {                               // GLOBAL "module\nname\n"
            const void* first = std::memchr(data + at, '\n', size - at);
            if (!first) return std::nullopt;
            const std::size_t moduleEnd = static_cast<std::size_t>(static_cast<const unsigned char*>(first) - data);
            const void* second = std::memchr(data + moduleEnd + 1, '\n', size - moduleEnd - 1);
            if (!second) return std::nullopt;
            const std::size_t nameEnd = static_cast<std::size_t>(static_cast<const unsigned char*>(second) - data);
            stack.push_back({Global{std::string(reinterpret_cast<const char*>(data + at), moduleEnd - at) + " " +
                                    std::string(reinterpret_cast<const char*>(data + moduleEnd + 1), nameEnd - moduleEnd - 1)}});
            at = nameEnd + 1;
            break;
        }
        case 0x93: {  // STACK_GLOBAL
            if (stack.size() < 2) return std::nullopt;
            const auto* module = std::get_if<std::string>(&stack[stack.size() - 2].v);
            const auto* name = std::get_if<std::string>(&stack.back().v);
            if (!module || !name) return std::nullopt;
            Value global{Global{*module + " " + *name}};
            pop(2);
            stack.push_back(global);
            break;
        }
        case 'q': case 'r': case 0x94: {  // BINPUT, LONG_BINPUT, MEMOIZE
            std::uint64_t index = memo.size();
            if (op != 0x94) {
                const int bytes = op == 'q' ? 1 : 4;
                if (!have(static_cast<std::size_t>(bytes))) return std::nullopt;
                index = littleEndian(data + at, bytes);
                at += static_cast<std::size_t>(bytes);
            }
            if (stack.empty()) return std::nullopt;
            memo[index] = stack.back();
            break;
        }
        case 'h': case 'j': {  // BINGET, LONG_BINGET
            const int bytes = op == 'h' ? 1 : 4;
            if (!have(static_cast<std::size_t>(bytes))) return std::nullopt;
            const auto it = memo.find(littleEndian(data + at, bytes));
            at += static_cast<std::size_t>(bytes);
            if (it == memo.end()) return std::nullopt;
            stack.push_back(it->second);
            break;
        }
        case 'X': ok = pushText(4); break;     // BINUNICODE
        case 0x8c: ok = pushText(1); break;    // SHORT_BINUNICODE
        case 0x8d: ok = pushText(8); break;    // BINUNICODE8
        case 'K': ok = pushInt(1, false); break;  // BININT1
        case 'M': ok = pushInt(2, false); break;  // BININT2
        case 'J': ok = pushInt(4, true); break;   // BININT
        case 0x8a: {                              // LONG1
            if (!have(1)) return std::nullopt;
            const int n = data[at++];
            if (n > 8) return std::nullopt;
            if (n == 0) stack.push_back({std::int64_t{0}});
            else ok = pushInt(n, true);
            break;
        }
        case 'G': ok = have(8), at += 8, stack.push_back({Other{}}); break;  // BINFLOAT
        case ')': case '}': case ']': case 'N': case 0x88: case 0x89: stack.push_back({Other{}}); break;
        case '(': stack.push_back({Mark{}}); break;
        case 't': {
            auto items = popToMark();
            if (!items) return std::nullopt;
            stack.push_back({std::move(*items)});
            break;
        }
        case 0x85: case 0x86: case 0x87: {  // TUPLE1-3
            const std::size_t n = op - 0x84u;
            if (stack.size() < n) return std::nullopt;
            Tuple items(stack.end() - static_cast<std::ptrdiff_t>(n), stack.end());
            pop(n);
            stack.push_back({std::move(items)});
            break;
        }
        case 0x81: case 'R': ok = pop(2), stack.push_back({Other{}}); break;  // NEWOBJ, REDUCE
        case 'b': case 'a': ok = pop(1); break;                                // BUILD, APPEND
        case 's': ok = pop(2); break;                                          // SETITEM
        case 'u': case 'e': ok = popToMark().has_value(); break;               // SETITEMS, APPENDS
        case 'Q': {  // BINPERSID: ('storage', torch.<Type>Storage, key, location, numel)
            if (stack.empty()) return std::nullopt;
            if (const auto* id = std::get_if<Tuple>(&stack.back().v); id && id->size() == 5) {
                const auto* tag = std::get_if<std::string>(&(*id)[0].v);
                const auto* type = std::get_if<Global>(&(*id)[1].v);
                const auto* key = std::get_if<std::string>(&(*id)[2].v);
                const auto* numel = std::get_if<std::int64_t>(&(*id)[4].v);
                if (tag && *tag == "storage" && type && key && numel && *numel >= 0)
                    if (const std::uint64_t bytes = elementBytes(type->name))
                        storages[*key] = static_cast<std::uint64_t>(*numel) * bytes;
            }
            stack.back() = {Other{}};
            break;
        }
        default: return std::nullopt;  // not an opcode LibTorch writes: say nothing
        }
        if (!ok) return std::nullopt;
    }
    return std::nullopt;  // no STOP
}

} // namespace pconv
