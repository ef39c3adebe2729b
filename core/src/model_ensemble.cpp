#include "pconv/model_ensemble.h"

#include "architecture_archive.h"
#include "model_archive.h"
#include "pconv/errors.h"
#include "pconv/nn/pconv_unet.h"

#include <torch/torch.h>

namespace pconv {
namespace {

constexpr int64_t kEnsembleFormatVersion = 1;
// More would be a file nobody meant to make (each member is one more pass per view).
constexpr int64_t kMaxMembers = 16;

std::string memberKey(int64_t index) { return "member_" + std::to_string(index); }

// Two members of one architecture and equal weights: a model given twice (say, once
// alone and once inside an ensemble), which would count double in the mean.
bool sameWeights(const PConvModel& a, const PConvModel& b) {
    if (describe(a.config()) != describe(b.config())) return false;
    const auto pa = a.network().named_parameters(), pb = b.network().named_parameters();
    for (const auto& item : pa)
        if (!torch::equal(item.value(), pb[item.key()])) return false;
    return true;
}

} // namespace

std::vector<PConvModel> loadModelMembers(const std::string& path) {
    torch::serialize::InputArchive archive;
    openModelArchive(path, archive);
    std::string format;
    try {
        format = readFormatName(archive);
    } catch (const std::exception&) {
        // Let the single-model loader say what is wrong with the file.
    }
    // Anything else (a checkpoint, a foreign archive): the single-model loader says what it is.
    if (format != kEnsembleFormatName && format != kModelFormatName) return {PConvModel::load(path)};
    try {
        if (format == kModelFormatName) return {readModelEntries(archive)};
        const int64_t version = readIntEntry(archive, "pconv_format_version");
        if (version > kEnsembleFormatVersion)
            throw Error("ensemble file format version " + std::to_string(version) + " is newer than this program supports (" +
                        std::to_string(kEnsembleFormatVersion) + ")");
        const int64_t count = readIntEntry(archive, "member_count");
        if (count < 1 || count > kMaxMembers) throw Error("invalid 'member_count' entry: " + std::to_string(count));
        std::vector<PConvModel> members;
        for (int64_t i = 0; i < count; ++i) {
            torch::serialize::InputArchive member;
            if (!archive.try_read(memberKey(i), member)) throw Error("no '" + memberKey(i) + "' entry");
            if (readFormatName(member) != kModelFormatName) throw Error("'" + memberKey(i) + "' is not a model");
            try {
                members.push_back(readModelEntries(member));
            } catch (const std::exception& e) {
                throw Error("member " + std::to_string(i + 1) + " of " + std::to_string(count) + ": " + firstLine(e.what()));
            }
        }
        return members;
    } catch (const std::exception& e) {
        throw FileError(path, firstLine(e.what()));
    }
}

void saveEnsemble(const std::string& path, const std::vector<PConvModel>& members, PConvModel::WeightPrecision precision) {
    if (members.size() < 2) throw InvalidArgument("an ensemble needs at least two models, got " + std::to_string(members.size()));
    if (static_cast<int64_t>(members.size()) > kMaxMembers)
        throw InvalidArgument("an ensemble holds at most " + std::to_string(kMaxMembers) + " models, got " + std::to_string(members.size()));
    for (size_t i = 0; i < members.size(); ++i)
        for (size_t j = 0; j < i; ++j)
            if (sameWeights(members[i], members[j]))
                throw InvalidArgument("members " + std::to_string(j + 1) + " and " + std::to_string(i + 1) +
                                      " are the same model; each model counts once in the mean");
    torch::serialize::OutputArchive archive;
    archive.write(kFormatKey, c10::IValue(std::string(kEnsembleFormatName)));
    archive.write("pconv_format_version", c10::IValue(kEnsembleFormatVersion));
    archive.write("member_count", c10::IValue(static_cast<int64_t>(members.size())));
    for (size_t i = 0; i < members.size(); ++i) {
        torch::serialize::OutputArchive member;
        writeModelEntries(member, members[i], precision);
        archive.write(memberKey(static_cast<int64_t>(i)), member);
    }
    saveModelArchive(archive, path);
}

} // namespace pconv
