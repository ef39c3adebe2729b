#pragma once
// LibTorch's unpickler trusts the lengths a pickle declares and reserves that
// much memory before reading (fuzz/findings: a 7 KB model file declaring a 4 GB
// string peaked at 4.2 GB). This walks a pickle's opcodes and checks every
// declared length against the bytes actually left, before LibTorch sees it.
#include <cstddef>
#include <optional>
#include <string>

namespace pconv {

// Empty when the pickle is well formed as far as lengths go; else what is wrong
// ("a string of 4294967295 bytes with 120 left", "unknown opcode 0xff" ...).
std::optional<std::string> findPickleLengthProblem(const unsigned char* data, std::size_t size);

} // namespace pconv
