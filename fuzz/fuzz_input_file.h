#pragma once
// The loaders under test read files: each fuzz input is written to a private
// temporary file first (libFuzzer runs one input at a time in a process).
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

inline std::string writeFuzzFile(const std::uint8_t* data, std::size_t size, const char* suffix) {
    static const std::string base = "/tmp/pconv-fuzz-" + std::to_string(getpid());
    const std::string path = base + suffix;
    if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(data, 1, size, f);
        std::fclose(f);
    }
    return path;
}
