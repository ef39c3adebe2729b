#include "archive_guard.h"

#include "pickle_lengths.h"
#include "pickle_storages.h"

#include "pconv/errors.h"

#include <zlib.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <sstream>
#include <vector>

namespace pconv {
namespace {

constexpr std::uint64_t kMaxCodeBytes = 1 << 20;
constexpr std::uint64_t kMaxPickleBytes = 16 << 20;  // ours hold names and tensor references: a few KB

// The only lines LibTorch writes into the code of our archives: class headers,
// parameter and buffer lists, and attribute annotations of a few plain types.
bool isExpectedCodeLine(const std::string& line) {
    static const std::string type = R"((Tensor|str|int|float|bool|Tuple\[float, float\]|__torch__(\.___torch_mangle_\d+)?\.Module))";
    static const std::regex patterns[] = {
        std::regex(R"(class Module\(Module\):)"),
        std::regex(R"(  __(parameters|buffers)__ = \[("[^"]*", )*\])"),
        std::regex(R"(  __annotations__ = \[\])"),
        std::regex(R"(  __annotations__\["[^"]*"\] = )" + type),
        std::regex(R"(  [A-Za-z_][A-Za-z0-9_]* : )" + type),
    };
    if (line.empty()) return true;
    for (const auto& pattern : patterns)
        if (std::regex_match(line, pattern)) return true;
    return false;
}

std::uint32_t le(const std::vector<unsigned char>& b, std::size_t at, int bytes) {
    std::uint32_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | b[at + static_cast<std::size_t>(i)];
    return v;
}

// Raw-deflate decompression with a cap; empty when it fails or exceeds the cap.
std::vector<unsigned char> inflateCapped(const unsigned char* data, std::size_t size, std::size_t cap) {
    std::vector<unsigned char> out(cap + 1);
    z_stream stream{};
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) return {};
    stream.next_in = const_cast<unsigned char*>(data);
    stream.avail_in = static_cast<uInt>(size);
    stream.next_out = out.data();
    stream.avail_out = static_cast<uInt>(out.size());
    const int status = inflate(&stream, Z_FINISH);
    const std::size_t produced = out.size() - stream.avail_out;
    inflateEnd(&stream);
    if (status != Z_STREAM_END || produced > cap) return {};
    out.resize(produced);
    return out;
}

} // namespace

bool checkTorchArchiveIsSafe(const std::string& path, const std::string& kind) {
    std::ifstream in(path, std::ios::binary);
    // A file that cannot be opened (no permission) is that, not "too short to be an archive".
    if (!in) throw FileError(path, std::string("cannot open for reading: ") + std::strerror(errno));
    const std::vector<unsigned char> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto bad = [&](const std::string& why) { return FileError(path, "not a readable " + kind + " (" + why + ")"); };
    if (b.size() < 22) throw bad("too short to be an archive");
    // End-of-central-directory record: within the last 64 KiB + 22 bytes.
    std::size_t end = std::string::npos;
    for (std::size_t i = b.size() - 22 + 1; i-- > 0 && b.size() - i <= 65557;)
        if (le(b, i, 4) == 0x06054b50) {
            end = i;
            break;
        }
    if (end == std::string::npos) throw bad("no zip directory: truncated or not an archive");
    const std::size_t entries = le(b, end + 10, 2);
    std::size_t at = le(b, end + 16, 4);
    bool torchScript = false;
    std::string damaged;
    std::map<std::string, std::uint64_t> entryBytes;  // name -> uncompressed size
    std::map<std::string, std::uint64_t> declaredBytes;  // a tensor record's name -> the bytes its pickle says it holds
    for (std::size_t e = 0; e < entries; ++e) {
        if (at + 46 > b.size() || le(b, at, 4) != 0x02014b50) throw bad("damaged zip directory");
        const std::uint32_t method = le(b, at + 10, 2), checksum = le(b, at + 16, 4), compressed = le(b, at + 20, 4),
                            uncompressed = le(b, at + 24, 4), nameLength = le(b, at + 28, 2);
        const std::uint32_t extraLength = le(b, at + 30, 2), commentLength = le(b, at + 32, 2), localOffset = le(b, at + 42, 4);
        if (at + 46 + nameLength > b.size()) throw bad("damaged zip directory");
        const std::string name(b.begin() + static_cast<std::ptrdiff_t>(at + 46), b.begin() + static_cast<std::ptrdiff_t>(at + 46 + nameLength));
        at += 46 + nameLength + extraLength + commentLength;
        entryBytes[name] = uncompressed;
        auto endsWith = [&](const std::string& suffix) {
            return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
        };
        // data.pkl, constants.pkl and the code's .debug_pkl source maps are all pickles.
        if (endsWith("/constants.pkl")) torchScript = true;
        const bool code = endsWith(".py"), pickle = endsWith("pkl");
        if (method != 0 && method != 8) throw bad("entry '" + name + "' uses an unknown compression");
        if (localOffset + 30ULL > b.size() || le(b, localOffset, 4) != 0x04034b50) throw bad("damaged entry '" + name + "'");
        const std::size_t data = localOffset + 30 + le(b, localOffset + 26, 2) + le(b, localOffset + 28, 2);
        if (data + compressed > b.size()) throw bad("truncated entry '" + name + "'");
        // Entries are stored uncompressed: the checksum is over the bytes as they lie. A
        // mismatch is reported after the loop: the code and pickle checks say more.
        if (damaged.empty() && method == 0 && crc32(0L, b.data() + data, compressed) != checksum) damaged = name;
        if (!code && !pickle) continue;
        const std::uint64_t cap = code ? kMaxCodeBytes : kMaxPickleBytes;
        if (compressed > cap) throw bad("oversized entry '" + name + "'");
        std::vector<unsigned char> text(b.begin() + static_cast<std::ptrdiff_t>(data), b.begin() + static_cast<std::ptrdiff_t>(data + compressed));
        if (method == 8) {
            text = inflateCapped(b.data() + data, compressed, cap);
            if (text.empty() && compressed > 0) throw bad("entry '" + name + "' does not decompress");
        }
        if (pickle) {
            if (const auto problem = findPickleLengthProblem(text.data(), text.size())) throw bad("entry '" + name + "': " + *problem);
            // "archive/data.pkl" keeps its tensors' bytes in "archive/data/<key>" (constants.pkl likewise).
            if (const auto storages = declaredStorageBytes(text.data(), text.size()))
                for (const auto& [key, bytes] : *storages)
                    declaredBytes[name.substr(0, name.size() - 4) + "/" + key] = bytes;
        } else {
            std::istringstream lines(std::string(text.begin(), text.end()));
            std::string line;
            while (std::getline(lines, line))
                if (!isExpectedCodeLine(line)) throw bad("unexpected code in entry '" + name + "'");
        }
    }
    if (!damaged.empty()) throw bad("entry '" + damaged + "' is damaged: its bytes do not match their checksum");
    for (const auto& [record, bytes] : declaredBytes)
        if (const auto it = entryBytes.find(record); it != entryBytes.end() && it->second < bytes)
            throw bad("entry '" + record + "' holds " + std::to_string(it->second) + " bytes of tensor data where " + std::to_string(bytes) +
                      " are declared: the file is damaged");
    return torchScript;
}

} // namespace pconv
