// `pconv-studio`: the editor. Builds the window and opens a photo given on the command line.
#include "main_window.h"

#include "pconv/threads.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("PConv Studio");
    QApplication::setOrganizationName("PConv Studio");
    QApplication::setApplicationVersion("0.1.0");

    QCommandLineParser parser;
    parser.setApplicationDescription("Remove things from photos with a partial-convolution network.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("photo", "A photo to open.");
    QCommandLineOption maskOption("mask", "A mask to import with the photo (non-zero = hole).", "file");
    parser.addOption(maskOption);
    parser.process(app);

    pconv::setThreadCount(0);  // all cores: LibTorch alone would start with one
    pconv::ui::MainWindow window;
    window.show();
    const QStringList photos = parser.positionalArguments();
    if (!photos.isEmpty()) {
        if (window.openImage(photos.first()) && parser.isSet(maskOption)) window.importMask(parser.value(maskOption));
    } else {
        window.recoverAutosavedMask();  // after a crash, offer the mask back
    }
    return app.exec();
}
