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

CsvLog::CsvLog(std::string path, std::vector<std::string> terms, std::int64_t resumeStep) : path_(std::move(path)) {
    std::string header = "step";
    for (const auto& t : terms) header += "," + t;
    header += ",lr,seconds";

    // Keep the rows up to the resumed step, drop the rest.
    std::string kept = header + "\n";
    std::error_code ec;
    if (resumeStep > 0 && std::filesystem::exists(path_, ec)) {
        std::ifstream in(path_);
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

void CsvLog::append(std::int64_t step, const std::vector<double>& losses, double learningRate, double seconds) {
    std::ostringstream row;
    row.precision(7);
    row << step;
    for (double v : losses) row << "," << v;
    row << "," << learningRate << "," << seconds << "\n";
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

std::vector<StepReport> readTrainingLog(const std::string& csvPath, std::int64_t upToStep) {
    std::vector<StepReport> rows;
    std::ifstream in(csvPath);
    std::string header, line;
    if (!in || !std::getline(in, header)) return rows;
    std::string wanted = "step";
    for (const auto& term : lossTermNames()) wanted += "," + term;
    const auto columns = train::oldColumnIndices(header, wanted);
    while (std::getline(in, line)) {
        try {
            const auto values = train::splitCommas(train::reorderColumns(line, columns));
            StepReport row;
            row.step = std::stoll(values.at(0));
            if (row.step > upToStep) continue;
            for (size_t i = 1; i < values.size(); ++i) row.losses.push_back(std::stod(values[i]));
            rows.push_back(std::move(row));
        } catch (const std::exception&) {
            // a torn or foreign line: skipped
        }
    }
    return rows;
}

} // namespace pconv
