#pragma once
// Whole-file bytes in and out, for tests that build broken files on purpose.
#include <QString>

#include <fstream>
#include <iterator>
#include <string>

inline void writeBytes(const QString& path, const std::string& bytes) {
    std::ofstream(path.toStdString(), std::ios::binary) << bytes;
}

inline std::string readBytes(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
