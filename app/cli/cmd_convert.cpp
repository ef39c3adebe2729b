// `pconv convert`: models to and from PyTorch.
#include "arg_parser.h"
#include "commands.h"
#include "output_file.h"

#include "pconv/errors.h"
#include "pconv/interop.h"
#include "pconv/model.h"
#include "pconv/train/trainer.h"

#include <filesystem>
#include <iostream>

namespace pconv::cli {
namespace {

bool isReadableCheckpoint(const std::string& path) {
    try {
        readCheckpointSummary(path);
        return true;
    } catch (const Error&) {
        return false;
    }
}

} // namespace

int runConvert(const Args& args) {
    ArgParser parser("pconv convert",
                     "Convert models between PConv Studio (.pconv) and PyTorch.\n"
                     "  .pconv -> pytorch: a torch.save() dict {'format', 'config', 'state_dict'} for torch.load in Python\n"
                     "  pytorch -> .pconv: a checkpoint of the popular PyTorch port (naoto0804 layout, 'model' holding\n"
                     "                     enc_1.conv.input_conv.weight ...); its renormalisation (division by sum(M) only)\n"
                     "                     is compensated, see docs/interop.md");
    parser.option("from", "FILE", "model to read", std::nullopt, true);
    parser.option("to", "FILE", "file to write", std::nullopt, true);
    parser.option("format", "pytorch|pconv", "format to write (default: pconv when --to ends in .pconv, else the other one than --from's)");
    parser.flag("force", "overwrite FILE if it exists");
    if (!parser.parse(args)) {
        std::cout << parser.help();
        return 0;
    }
    const std::string from = parser.get("from"), to = parser.get("to");
    checkModelFileName(parser, "to");
    std::error_code ec;
    if (!std::filesystem::exists(from, ec)) throw FileError(from, "no such file");
    checkOutputFile(to, parser.flagSet("force"), {from});
    const bool fromPconv = isPconvModelFile(from);
    if (!fromPconv && isReadableCheckpoint(from))
        throw FileError(from, "is a training checkpoint, not a model: convert the run's model.pconv or best.pconv");
    // A .pconv name always means a PConv Studio file: a PyTorch file under that name would not open as one.
    const bool toPconvName = std::filesystem::path(to).extension() == ".pconv";
    std::string format = parser.get("format");
    if (format.empty()) format = (fromPconv && !toPconvName) ? "pytorch" : "pconv";
    if (format != "pytorch" && format != "pconv") throw parser.usageError("--format must be pytorch or pconv, got '" + format + "'");
    if (format == "pytorch" && toPconvName)
        throw parser.usageError("--to " + to + ": a .pconv name is for PConv Studio models; name a PyTorch file .pt or .pth");

    const PConvModel model = fromPconv ? PConvModel::load(from) : importPytorchPortCheckpoint(from);
    if (format == "pytorch") exportPytorchStateDict(model, to);
    else model.save(to);
    std::cout << "Wrote " << to << " (" << format << "): " << describe(model.config()) << ", " << model.parameterCount() << " parameters\n";
    return 0;
}

} // namespace pconv::cli
