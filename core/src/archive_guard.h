#pragma once
// LibTorch archives (our model files and checkpoints) carry TorchScript source
// that LibTorch parses on load, and a one-byte change there can send its parser
// into unbounded recursion and a crash (found by fuzz_checkpoint: a misspelt
// __parameters__; fuzz/crashes/). Before handing a file to LibTorch, its zip
// directory is read here and every code entry must consist only of the kinds of
// line LibTorch writes for our modules (class headers, parameter lists, plain
// annotations), and every pickle entry must declare no length beyond its own
// bytes (pickle_lengths.h).
#include <string>

namespace pconv {

// Throws FileError naming the file (a `kind`: "model file", "checkpoint") when it is not
// a zip archive whose code entries look like ours, or when an entry's bytes do not match
// their zip checksum (a damaged file would otherwise load with wrong weights). Returns
// whether it is a TorchScript archive (what LibTorch's OutputArchive writes: it has
// constants.pkl) rather than Python's torch.save() file.
bool checkTorchArchiveIsSafe(const std::string& path, const std::string& kind = "model file");

} // namespace pconv
