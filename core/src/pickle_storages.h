#pragma once
// LibTorch sizes a tensor's storage by the element count its pickle declares, not by
// the bytes its data record holds: a record cut short is read past its end when the
// weights are used. This reads the storage declarations out of a pickle so that each
// can be checked against its record before LibTorch loads the file.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace pconv {

// Record key ("0", "1", ...) -> the bytes its storage declares, for every storage the
// pickle references. Empty optional when the pickle uses opcodes outside what LibTorch
// writes (then nothing can be said, and nothing is refused on that account).
std::optional<std::map<std::string, std::uint64_t>> declaredStorageBytes(const unsigned char* data, std::size_t size);

} // namespace pconv
