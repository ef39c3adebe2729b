#pragma once
// The training log: one CSV row per logged step (step, each loss term, lr,
// seconds). The file is only ever replaced whole, atomically (temporary file,
// then rename), so a crash never leaves a torn row: at every checkpoint (flush)
// and, for people watching it live, at most every few seconds in between. On
// resume, rows past the checkpoint's step are dropped so the log matches the weights, and
// rows of an older log (fewer loss terms) are rewritten in the current columns.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace pconv::train {

class CsvLog {
public:
    CsvLog(std::string path, std::vector<std::string> terms, std::int64_t resumeStep);
    // Keeps the row; writes the file when the last write is a few seconds old. A
    // failed write here is retried later rather than ending a training run.
    void append(std::int64_t step, const std::vector<double>& losses, double learningRate, double seconds);
    // Writes every row now. Throws FileError when it cannot.
    void flush();

private:
    std::string path_;
    std::string contents_;
    std::chrono::steady_clock::time_point lastWrite_;
};

} // namespace pconv::train
