#pragma once
// The training log: one CSV row per logged step (step, each loss term, lr,
// seconds). Every append rewrites the whole file atomically (temporary file,
// then rename: a few hundred KB at most), so a crash never leaves a torn row; on
// resume, rows past the checkpoint's step are dropped so the log matches the weights.
#include <cstdint>
#include <string>
#include <vector>

namespace pconv::train {

class CsvLog {
public:
    CsvLog(std::string path, std::vector<std::string> terms, std::int64_t resumeStep);
    void append(std::int64_t step, const std::vector<double>& losses, double learningRate, double seconds);

private:
    std::string path_;
    std::string contents_;
};

} // namespace pconv::train
