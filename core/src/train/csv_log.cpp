#include "csv_log.h"

#include "pconv/train/trainer.h"

#include "pconv/errors.h"
#include "pconv/image_io.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace pconv::train {
namespace {

std::vector<std::string> splitCommas(const std::string& line) {
    std::vector<std::string> fields;
    std::istringstream in(line);
    std::string field;
    while (std::getline(in, field, ',')) fields.push_back(field);
    return fields;
}

// For each column of the new header, its index in the old one (a log from before a
// loss term was added), or -1 where the old log lacked it.
std::vector<int> oldColumnIndices(const std::string& oldHeader, const std::string& newHeader) {
    const auto oldNames = splitCommas(oldHeader);
    std::vector<int> indices;
    for (const auto& name : splitCommas(newHeader)) {
        const auto at = std::find(oldNames.begin(), oldNames.end(), name);
        indices.push_back(at == oldNames.end() ? -1 : static_cast<int>(at - oldNames.begin()));
    }
    return indices;
}

// An old row in the new columns; a missing value reads 0.
std::string reorderColumns(const std::string& row, const std::vector<int>& oldIndices) {
    const auto values = splitCommas(row);
    std::string out;
    for (const int index : oldIndices) {
        const bool present = index >= 0 && static_cast<size_t>(index) < values.size();
        out += (out.empty() ? "" : ",") + (present ? values[static_cast<size_t>(index)] : std::string("0"));
    }
    return out;
}

} // namespace

CsvLog::CsvLog(std::string path, const std::vector<std::string>& columns, std::int64_t resumeStep, const std::string& earlierRun)
    : path_(std::move(path)) {
    std::string header = "step";
    for (const auto& column : columns) header += "," + column;

    // Keep the rows up to the resumed step, drop the rest.
    std::string kept = header + "\n";
    std::error_code ec;
    const std::string source = std::filesystem::exists(path_, ec) || earlierRun.empty() ? path_ : earlierRun;
    if (resumeStep > 0 && std::filesystem::exists(source, ec)) {
        std::ifstream in(source);
        std::string oldHeader, line;
        std::getline(in, oldHeader);
        const auto oldIndices = oldColumnIndices(oldHeader, header);
        while (std::getline(in, line)) {
            try {
                if (line.empty() || std::stoll(line.substr(0, line.find(','))) > resumeStep) continue;
                kept += (oldHeader == header ? line : reorderColumns(line, oldIndices)) + "\n";
            } catch (const std::exception&) {
                // a torn last line from a crash: drop it
            }
        }
    }
    contents_ = std::move(kept);
    flush();
}

void CsvLog::flush() {
    writeFileAtomic(path_, std::vector<unsigned char>(contents_.begin(), contents_.end()));
    lastWrite_ = std::chrono::steady_clock::now();
}

void CsvLog::append(std::int64_t step, const std::vector<double>& values) {
    std::ostringstream row;
    row.precision(7);
    row << step;
    for (double v : values) row << "," << v;
    row << "\n";
    contents_ += row.str();
    // Rewriting the whole file costs O(rows): bound how often, not how much.
    if (std::chrono::steady_clock::now() - lastWrite_ < std::chrono::seconds(5)) return;
    try {
        flush();
    } catch (const Error&) {
        // A full disk for a moment: the next append or checkpoint tries again.
    }
}

} // namespace pconv::train

namespace pconv {

namespace {

// The rows up to upToStep, each as its step and the wanted columns' values (0 where the log lacks one).
std::vector<std::pair<std::int64_t, std::vector<double>>> readCsvColumns(const std::string& csvPath, const std::vector<std::string>& wanted,
                                                                         std::int64_t upToStep) {
    std::vector<std::pair<std::int64_t, std::vector<double>>> rows;
    std::ifstream in(csvPath);
    std::string header, line;
    if (!in || !std::getline(in, header)) return rows;
    std::string wantedHeader = "step";
    for (const auto& column : wanted) wantedHeader += "," + column;
    const auto columns = train::oldColumnIndices(header, wantedHeader);
    while (std::getline(in, line)) {
        try {
            const auto fields = train::splitCommas(train::reorderColumns(line, columns));
            const std::int64_t step = std::stoll(fields.at(0));
            if (step > upToStep) continue;
            std::vector<double> values;
            for (size_t i = 1; i < fields.size(); ++i) values.push_back(std::stod(fields[i]));
            rows.emplace_back(step, std::move(values));
        } catch (const std::exception&) {
            // a torn or foreign line: skipped
        }
    }
    return rows;
}

} // namespace

std::vector<StepReport> readTrainingLog(const std::string& csvPath, std::int64_t upToStep) {
    std::vector<StepReport> rows;
    for (auto& [step, values] : readCsvColumns(csvPath, lossTermNames(), upToStep)) {
        StepReport row;
        row.step = step;
        row.losses = std::move(values);
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<ValidationReport> readValidationLog(const std::string& csvPath, std::int64_t upToStep) {
    std::vector<ValidationReport> rows;
    for (const auto& [step, values] : readCsvColumns(csvPath, validationLogColumns(), upToStep)) {
        ValidationReport row;
        row.step = step;
        row.l1Percent = values.at(0);
        row.psnr = values.at(1);
        row.ssim = values.at(2);
        rows.push_back(row);
    }
    return rows;
}

const std::vector<std::string>& validationLogColumns() {
    static const std::vector<std::string> columns{"l1_percent", "psnr", "ssim"};
    return columns;
}

} // namespace pconv
