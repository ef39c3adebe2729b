// `pconv-studio`: the editor. Builds the window and opens a photo given on the command line.
#include "main_window.h"

#include "pconv/threads.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

void describeCommandLine(QCommandLineParser& parser, QCommandLineOption& maskOption) {
    parser.setApplicationDescription("Remove things from photos with a partial-convolution network.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("photo", "A photo to open.");
    parser.addOption(maskOption);
}

void nameApplication() {
    QCoreApplication::setApplicationName("PConv Studio");
    QCoreApplication::setOrganizationName("PConv Studio");
    QCoreApplication::setApplicationVersion(PCONV_VERSION);
}

bool asksForHelpOrVersion(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        for (const char* option : {"-h", "--help", "--help-all", "-?", "-v", "--version"})
            if (std::strcmp(argv[i], option) == 0) return true;
    return false;
}

bool hasDisplay() {
    for (const char* variable : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        if (const char* value = std::getenv(variable); value && *value) return true;
    return false;
}

} // namespace

int main(int argc, char** argv) {
    QCommandLineOption maskOption("mask", "A mask to import with the photo (non-zero = hole).", "file");
    // Help and version need no window: answered without a display too.
    if (asksForHelpOrVersion(argc, argv)) {
        QCoreApplication app(argc, argv);
        nameApplication();
        QCommandLineParser parser;
        describeCommandLine(parser, maskOption);
        parser.process(app);  // prints and exits
        return 0;
    }
    if (!hasDisplay()) {
        std::fprintf(stderr, "pconv-studio: no display to open a window on (DISPLAY is not set): start it from a desktop session, or "
                             "under xvfb-run; the command-line tool is pconv\n");
        return 1;
    }
    QApplication app(argc, argv);
    nameApplication();
    QApplication::setWindowIcon(QIcon(":/icons/pconv-studio.png"));
    QCommandLineParser parser;
    describeCommandLine(parser, maskOption);
    parser.process(app);

    pconv::setThreadCount(0);  // all cores: LibTorch alone would start with one
    pconv::ui::MainWindow window;
    window.show();
    const QStringList photos = parser.positionalArguments();
    if (!photos.isEmpty()) {
        if (window.openImage(photos.first())) {
            if (parser.isSet(maskOption)) window.importMask(parser.value(maskOption));
            else window.recoverAutosavedMask(true, photos.first());  // a crash's mask on this very photo
        }
    } else {
        window.recoverAutosavedMask();  // after a crash, offer the mask back
    }
    return app.exec();
}
