#pragma once
// The training log: one CSV row per logged step (step, each loss term, lr,
// seconds). Rows are appended and flushed as they come; on resume, rows past the
// checkpoint's step are dropped (rewritten atomically) so the log matches the weights.
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace pconv::train {

class CsvLog {
public:
    CsvLog(std::string path, std::vector<std::string> terms, std::int64_t resumeStep);
    void append(std::int64_t step, const std::vector<double>& losses, double learningRate, double seconds);

private:
    std::string path_;
    std::ofstream out_;
};

} // namespace pconv::train
