#pragma once
// A training run's CSV log: one row per logged step (the step, then named values:
// each loss term, lr and seconds in log.csv; L1, PSNR and SSIM in validation.csv). The file is only ever replaced whole, atomically (temporary file,
// then rename), so a crash never leaves a torn row: at every checkpoint (flush)
// and, for people watching it live, at most every few seconds in between. On
// resume, rows past the checkpoint's step are dropped so the log matches the weights, and
// rows of an older log (fewer columns) are rewritten in the current columns.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace pconv::train {

class CsvLog {
public:
    // earlierRun: where the rows up to resumeStep come from when `path` has none yet (a run
    // resumed into another folder carries its history along); empty: `path` only.
    CsvLog(std::string path, const std::vector<std::string>& columns, std::int64_t resumeStep, const std::string& earlierRun = {});
    // Keeps the row (values in the columns' order); writes the file when the last write is a
    // few seconds old. A failed write here is retried later rather than ending a training run.
    void append(std::int64_t step, const std::vector<double>& values);
    // Writes every row now. Throws FileError when it cannot.
    void flush();

private:
    std::string path_;
    std::string contents_;
    std::chrono::steady_clock::time_point lastWrite_;
};

} // namespace pconv::train
