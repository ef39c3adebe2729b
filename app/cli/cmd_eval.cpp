// `pconv eval`: the paper's protocol, methods side by side by hole-ratio bucket.
#include "arg_parser.h"
#include "commands.h"
#include "model_argument.h"
#include "output_file.h"
#include "terminal_progress.h"

#include "pconv/errors.h"
#include "pconv/evaluation.h"
#include "pconv/image_io.h"
#include "pconv/threads.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>

namespace pconv::cli {

int runEval(const Args& args) {
    ArgParser parser("pconv eval",
                     "Compare inpainting methods by hole-ratio bucket (0.01-0.1 ... 0.5-0.6): mean L1 (%), PSNR and SSIM over\n"
                     "whole 8-bit images, as a markdown table. Test cases come from --images with --masks (paired by file\n"
                     "stem, or in sorted order), or are generated with --generate N: N seeded crops and seed-style masks per\n"
                     "photo and bucket, hole ratios spread evenly over each bucket.");
    parser.option("images", "DIR", "test images (photos, with --generate)", std::nullopt, true);
    parser.option("masks", "DIR", "masks for the images (non-zero = hole, same size): mask <stem>.* for image <stem>.*, or when no names match, the i-th mask in sorted order for the i-th image (reused in turn when there are fewer)");
    parser.option("generate", "N", "instead of --masks: N generated cases per photo and bucket");
    parser.synopsis("--images DIR (--masks DIR | --generate N)");
    parser.option("size", "S", "crop size for --generate", "512");
    parser.option("seed", "S", "seed for --generate", "0");
    parser.repeatableOption("method", "NAME", "pconv, telea or ns; repeat or separate with commas", "pconv,telea,ns");
    parser.repeatableOption("model", "FILE",
                            "PConv model (default: the shipped models/default.pconv); repeat it to compare models, one pconv column "
                            "each, named pconv-<file stem> (file names must not contain commas)");
    addPConvRunOptions(parser);
    parser.option("radius", "R", "radius for telea and ns", "3");
    parser.option("out", "DIR", "write every result as <case>_<method>.png, with <case>_truth.png and <case>_mask.png");
    parser.option("report", "FILE.md", "also write the table to this file");
    parser.option("threads", "N", "CPU threads (0 = all cores)", "0");
    parser.flag("force", "overwrite the --report file, or --out files of the same names, if they exist");
    if (!parser.parse(args)) {
        std::cout << parser.help();
        return 0;
    }
    if (parser.has("masks") == parser.has("generate")) throw parser.usageError("give either --masks DIR or --generate N");
    if (parser.has("masks"))
        for (const char* name : {"size", "seed"}) parser.warnIgnored(name, "it is for --generate, and --masks gives the cases");
    setThreadCount(parser.getInt("threads", 0, 1024));
    const bool force = parser.flagSet("force");
    // Checked before the run, not after it.
    if (parser.has("report")) {
        if (hasImageExtension(parser.get("report")))
            throw parser.usageError("--report " + parser.get("report") + " is an image file name, but the report is a markdown table: give one such as report.md");
        // A model (evaluated or not) is never replaced by a table, --force or not.
        const std::string extension = std::filesystem::path(parser.get("report")).extension().string();
        if (extension == ".pconv" || extension == ".pt" || extension == ".pth")
            throw parser.usageError("--report " + parser.get("report") + " is a model file name, but the report is a markdown table: give one such as report.md");
        checkOutputFile(parser.get("report"), force, parser.getList("model"));
    }
    if (parser.has("out"))
        for (const char* inputFolder : {"images", "masks"})
            if (parser.has(inputFolder) && isWithinFolder(parser.get("out"), parser.get(inputFolder)))
                throw FileError(parser.get("out"), std::string("lies in the --") + inputFolder + " folder " + parser.get(inputFolder) +
                                                       ", whose subfolders are searched too: its results would become test cases of the next run; choose another folder");

    const std::vector<std::string> names = parser.getList("method");
    std::vector<Method> chosen;
    for (const std::string& name : names) {
        const auto method = parseMethod(name);
        if (!method) throw parser.usageError("--method must be pconv, telea or ns, got '" + name + "'");
        if (std::find(chosen.begin(), chosen.end(), *method) != chosen.end())
            throw parser.usageError("--method " + name + " is given twice; each method is one column");
        chosen.push_back(*method);
    }
    warnOfOptionsOfUnusedMethods(parser, chosen);
    std::vector<NamedInpainter> methods;
    std::string modelNote;
    for (size_t i = 0; i < names.size(); ++i) {
        const std::string& name = names[i];
        if (chosen[i] == Method::PConv) {
            std::vector<std::string> modelPaths = parser.getList("model");
            if (modelPaths.empty()) modelPaths.push_back(modelPathOrDefault(parser, "--method pconv needs --model FILE (no default model was found)"));
            for (size_t m = 0; m < modelPaths.size(); ++m) {
                for (size_t k = 0; k < m; ++k)
                    if (sameFile(modelPaths[m], modelPaths[k])) throw parser.usageError(modelPaths[m] + " is given twice; each model is one column");
                // Several models: a column each, named after the file (numbered where two share a stem).
                std::string column = name;
                if (modelPaths.size() > 1) {
                    column = "pconv-" + std::filesystem::path(modelPaths[m]).stem().string();
                    for (size_t k = 0; k < m; ++k)
                        if (std::filesystem::path(modelPaths[k]).stem() == std::filesystem::path(modelPaths[m]).stem()) column += "-" + std::to_string(m + 1);
                }
                methods.push_back({column, std::shared_ptr<const Inpainter>(makePConvInpainter(PConvModel::load(modelPaths[m]), pconvOptionsFromArgs(parser)))});
                modelNote += (modelNote.empty() ? "" : ", ") + (modelPaths.size() > 1 ? column + " = " : std::string()) + modelPaths[m];
            }
            modelNote += "; " + parser.get("mirror-views") + " mirror view(s), deep holes: " + parser.get("deep-holes") + " from " +
                         parser.get("deep-holes-from") + " px, classical edge: " + parser.get("classical-edge") + " px";
        } else {
            methods.push_back({name, std::shared_ptr<const Inpainter>(makeClassicalInpainter(chosen[i], parser.getDouble("radius", 0.1, 1000)))});
        }
    }

    auto warn = [](const std::string& text) { std::cerr << "pconv eval: warning: " << text << "\n"; };
    const auto cases = parser.has("masks")
                           ? loadEvalCases(parser.get("images"), parser.get("masks"), warn)
                           : generateEvalCases(parser.get("images"), parser.getInt("size", 16, 8192), parser.getInt("generate", 1, 100000),
                                               parser.getSeed("seed"), kEvalCacheLongSide, warn);
    // Upscaled crops are smoother than real photos, so every method scores higher on them.
    std::set<std::string> upscaledPhotos;
    for (const auto& c : cases)
        if (c.upscaled) upscaledPhotos.insert(c.sourcePhoto);
    for (const auto& photo : upscaledPhotos)
        std::cerr << "pconv eval: warning: crops of '" << photo << "' were upscaled to reach --size " << parser.get("size")
                  << " px (the photo, read at most " << kEvalCacheLongSide << " px long, is narrower than that): upscaled crops are smoother and easier to fill "
                     "than real photos; use a smaller --size or larger photos\n";
    if (parser.has("out") && !force) {
        const auto written = evalOutputNames(cases, methods);
        for (const auto& name : written)
            if (std::filesystem::exists(std::filesystem::path(parser.get("out")) / name))
                throw FileError(parser.get("out"), "already holds " + name + " from an earlier run; choose another folder, or pass --force to overwrite");
    }
    TerminalProgress progress("eval", static_cast<int>(cases.size() * methods.size()));
    const EvalReport report = evaluate(cases, methods, parser.get("out"), [&](int done, int) { progress.update(done); });
    progress.finish();

    std::ostringstream table;
    table << "Evaluated " << cases.size() << (cases.size() == 1 ? " case" : " cases");
    if (!modelNote.empty()) table << "; pconv model" << (parser.getList("model").size() > 1 ? "s: " : ": ") << modelNote;
    table << "\n\n" << report.markdown();
    std::cout << table.str();
    if (parser.has("report")) {
        const std::string text = table.str();
        writeFileAtomic(parser.get("report"), std::vector<unsigned char>(text.begin(), text.end()));
    }
    return 0;
}

} // namespace pconv::cli
