// The editor window end to end, headless: open a photo, paint, inpaint on the
// worker, import/export masks, save without clobbering, the batch mask dialog,
// and the Training panel on a tiny run.
#include "batch_mask_dialog.h"
#include "file_name_suffix.h"
#include "image_convert.h"
#include "image_pane.h"
#include "inpaint_runner.h"
#include "main_window.h"
#include "mask_canvas.h"
#include "result_pane.h"
#include "training_panel.h"
#include "training_runner.h"

#include "pconv/image_io.h"
#include "pconv/model.h"
#include "pconv/train/trainer.h"
#include "test_files.h"

#include <QtTest>
#include <QCheckBox>
#include <QLabel>
#include <QMessageBox>
#include <QTimer>
#include <QClipboard>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QUndoStack>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

using namespace pconv;
using namespace pconv::ui;

namespace {

cv::Mat photo(int rows, int cols) {
    cv::Mat image(rows, cols, CV_8UC3);
    for (int y = 0; y < rows; ++y)
        for (int x = 0; x < cols; ++x) image.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x), uchar(y * 2), 100);
    return image;
}

// The window's last action whose menu text contains `part` (mnemonic & included), or null.
QAction* actionContaining(const QWidget& window, const QString& part) {
    QAction* found = nullptr;
    for (QAction* a : window.findChildren<QAction*>())
        if (a->text().contains(part)) found = a;
    return found;
}

// The window's action whose menu text is exactly `text`, or null.
QAction* actionNamed(const QWidget& window, const QString& text) {
    for (QAction* a : window.findChildren<QAction*>())
        if (a->text() == text) return a;
    return nullptr;
}

int ssimTermIndex() {
    const auto names = lossTermNames();
    return static_cast<int>(std::find(names.begin(), names.end(), "ssim") - names.begin());
}

} // namespace

class TestEditor : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName("PConvStudioTests");
        QCoreApplication::setApplicationName("test_editor");
        writeImageAtomic(dir.filePath("photo.png").toStdString(), photo(120, 200));
    }

    void openPaintInpaintSave() {
        MainWindow window;
        window.setMethod(Method::Telea);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(!window.openImage(dir.filePath("missing.png")));  // an error, nothing lost
        QVERIFY(window.openImage(dir.filePath("photo.png")));
        QCOMPARE(window.photo().cols, 200);
        QVERIFY(!window.isWindowModified());
        QAction* compare = actionNamed(window, "&Compare Before/After");
        QVERIFY(compare && !compare->isEnabled());  // nothing to compare before a result

        MaskCanvas* canvas = window.canvas();
        canvas->setBrushSize(9);
        canvas->beginStroke({50, 60}, false);
        canvas->extendStroke({150, 60});
        canvas->endStroke();
        QVERIFY(window.isWindowModified());  // the title's "*": a painted mask is unsaved work
        QCOMPARE(window.undoStack()->count(), 1);
        QCOMPARE(window.maskPane()->image().pixelColor(100, 60).red(), 255);

        QSignalSpy ready(window.runner(), &InpaintRunner::resultReady);
        window.inpaint();
        QVERIFY(window.resultPane()->placeholder().startsWith("Inpainting"));  // not "paint holes, then click Inpaint"
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 30000);
        QVERIFY(!window.resultPane()->placeholder().startsWith("Inpainting"));
        const cv::Mat result = window.result();
        QCOMPARE(result.size(), window.photo().size());
        cv::Mat diff;
        cv::absdiff(result, window.photo(), diff);
        cv::cvtColor(diff, diff, cv::COLOR_BGR2GRAY);
        const cv::Mat holes = cv::Mat(canvas->mask().height(), canvas->mask().width(), CV_8UC1, const_cast<uchar*>(canvas->mask().constBits()),
                        static_cast<size_t>(canvas->mask().bytesPerLine())).clone();
        diff.setTo(0, holes);
        QCOMPARE(cv::countNonZero(diff), 0);
        QVERIFY(!window.resultPane()->image().isNull());

        // Compare mode shows the original left of the split.
        window.resultPane()->setCompare(true);
        window.resultPane()->setSplit(0.5);
        QVERIFY(window.resultPane()->compare());

        QVERIFY(window.hasUnsavedWork());
        QVERIFY(window.saveResult(dir.filePath("out.png")));
        QCOMPARE(cv::norm(readImage(dir.filePath("out.png").toStdString()), result, cv::NORM_INF), 0.0);
        QVERIFY(!window.saveResult(dir.filePath("no/such/folder/out.png")));  // error, no crash
        // The saved result was made from this mask: nothing is left to lose.
        QVERIFY(!window.hasUnsavedWork());

        // A stroke after the fill makes the result out of date: Save asks first (answered Cancel here).
        canvas->beginStroke({50, 20}, false);
        canvas->extendStroke({150, 20});
        canvas->endStroke();
        QVERIFY(window.hasUnsavedWork());  // a mask no saved result was made from
        QAction* save = actionNamed(window, "&Save Result");
        QVERIFY(save && save->isEnabled());
        const std::string saved = readBytes(dir.filePath("out.png"));
        QString asked;
        QTimer::singleShot(0, this, [&] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                asked = box->text();
                box->button(QMessageBox::Cancel)->click();
            }
        });
        qunsetenv("PCONV_NO_DIALOGS");
        save->trigger();
        qputenv("PCONV_NO_DIALOGS", "1");
        QVERIFY2(asked.contains("mask has changed since this result was made"), qPrintable(asked));
        QCOMPARE(readBytes(dir.filePath("out.png")), saved);
        window.undoStack()->undo();  // the stroke: the result is current again

        // Mask export and import round trip; a mask of the wrong size is refused.
        QVERIFY(window.exportMask(dir.filePath("mask.png")));
        QVERIFY(compare->isEnabled());
        QVERIFY(!window.isWindowModified());  // result saved, mask exported
        const QString current = window.resultPane()->title();  // "Result — <method>"
        QVERIFY2(current.startsWith("Result — ") && current.contains("Telea") && !current.contains("again"), qPrintable(current));
        // Another method chosen: the result on show says what it was made with.
        window.setMethod(Method::NavierStokes);
        QVERIFY2(window.resultPane()->title().contains("made with") && window.resultPane()->title().contains("Inpaint again"),
                 qPrintable(window.resultPane()->title()));
        window.setMethod(Method::Telea);
        QCOMPARE(window.resultPane()->title(), current);
        window.undoStack()->undo();
        // The result on show was made from the mask before: the pane says so.
        QVERIFY2(window.resultPane()->title().contains("out of date"), qPrintable(window.resultPane()->title()));
        QCOMPARE(canvas->mask().pixelColor(100, 60).red(), 0);
        // Redo brings the result's own mask back, and the result is up to date again.
        window.undoStack()->redo();
        QCOMPARE(window.resultPane()->title(), current);
        window.undoStack()->undo();
        QVERIFY(window.importMask(dir.filePath("mask.png")));
        QCOMPARE(canvas->mask().pixelColor(100, 60).red(), 255);
        QVERIFY(!window.hasUnsavedWork());  // an imported mask is in a file already
        // A mask of another size (a generated mask_000.png) is scaled to cover the photo, and said so.
        cv::Mat small = cv::Mat::zeros(10, 10, CV_8UC1);
        small(cv::Rect(0, 0, 5, 10)).setTo(255);  // the left half
        writeImageAtomic(dir.filePath("small.png").toStdString(), small);
        QVERIFY(window.importMask(dir.filePath("small.png")));
        QVERIFY2(window.statusBar()->currentMessage().contains("scaled to cover"), qPrintable(window.statusBar()->currentMessage()));
        QCOMPARE(canvas->mask().size(), QSize(window.photo().cols, window.photo().rows));
        QCOMPARE(canvas->mask().pixelColor(10, 60).red(), 255);
        QCOMPARE(canvas->mask().pixelColor(window.photo().cols - 10, 60).red(), 0);
        // An all-black mask is taken (it clears the holes) but the status says it marks none.
        writeImageAtomic(dir.filePath("black.png").toStdString(), cv::Mat(window.photo().size(), CV_8UC1, cv::Scalar(0)));
        QVERIFY(window.importMask(dir.filePath("black.png")));
        QVERIFY2(window.statusBar()->currentMessage().contains("black.png marks no holes"), qPrintable(window.statusBar()->currentMessage()));
        QVERIFY(window.importMask(dir.filePath("mask.png")));
        QVERIFY(!window.statusBar()->currentMessage().contains("marks no holes"));

        // Use the result as the new image; the mask starts empty.
        const cv::Mat original = window.photo().clone();
        const int stepsBefore = window.undoStack()->count();
        window.useResultAsImage();
        QCOMPARE(cv::norm(window.photo(), result, cv::NORM_INF), 0.0);
        QCOMPARE(canvas->mask().pixelColor(100, 60).red(), 0);
        QVERIFY(window.result().empty());
        // One undo step brings back the photo, its mask and the result; redo goes forward again.
        QCOMPARE(window.undoStack()->count(), stepsBefore + 1);
        window.undoStack()->undo();
        QCOMPARE(cv::norm(window.photo(), original, cv::NORM_INF), 0.0);
        QCOMPARE(canvas->mask().pixelColor(100, 60).red(), 255);
        QCOMPARE(cv::norm(window.result(), result, cv::NORM_INF), 0.0);
        QVERIFY(!window.resultPane()->image().isNull());
        // ... and the pane says again what the result was made with.
        QVERIFY2(window.resultPane()->title().startsWith(QString::fromUtf8("Result — ")), qPrintable(window.resultPane()->title()));
        window.undoStack()->redo();
        QCOMPARE(cv::norm(window.photo(), result, cv::NORM_INF), 0.0);
        QCOMPARE(canvas->mask().pixelColor(100, 60).red(), 0);
        // With no new result, Save writes the edited image.
        QVERIFY(window.saveResult(dir.filePath("edited.png")));
        QCOMPARE(cv::norm(readImage(dir.filePath("edited.png").toStdString()), result, cv::NORM_INF), 0.0);
        window.close();
    }

    // An unsaved result used as the new image is still unsaved work: quitting asks.
    void unsavedEditedImageIsNotLostSilently() {
        MainWindow window;
        window.setMethod(Method::Telea);
        QVERIFY(window.openImage(dir.filePath("photo.png")));
        window.canvas()->setBrushSize(7);
        window.canvas()->beginStroke({20, 20}, false);
        window.canvas()->endStroke();
        QSignalSpy ready(window.runner(), &InpaintRunner::resultReady);
        window.inpaint();
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 30000);
        window.useResultAsImage();
        QVERIFY(window.result().empty());
        QVERIFY(window.hasUnsavedWork());
        QVERIFY(window.saveResult(dir.filePath("edited2.png")));
        QVERIFY(!window.hasUnsavedWork());
    }

    void autosavedMaskSurvivesACrash() {
        QString crashed;
        {
            MainWindow window;
            QVERIFY(window.openImage(dir.filePath("photo.png")));
            window.canvas()->setBrushSize(11);
            window.canvas()->beginStroke({30, 30}, false);
            window.canvas()->extendStroke({90, 30});
            window.canvas()->endStroke();
            // The autosave fires on its own a moment after the change.
            QTRY_VERIFY_WITH_TIMEOUT(!window.autosavedMaskPath().isEmpty() && QFile::exists(window.autosavedMaskPath()), 10000);
            crashed = window.autosavedMaskPath();
            // Another window open at the same time finds nothing to recover and leaves it alone.
            MainWindow beside;
            QVERIFY(!beside.recoverAutosavedMask(false));
            QVERIFY(QFile::exists(crashed));
            // The window goes away without closing (as in a crash).
        }
        MainWindow next;
        // Nobody to ask (PCONV_NO_DIALOGS, as in these tests): no modal question, the mask stays for later.
        QVERIFY(!next.recoverAutosavedMask(true));
        QVERIFY(QFile::exists(crashed));
        // Started with another photo, the mask is not offered (it stays for its own photo).
        writeImageAtomic(dir.filePath("other.png").toStdString(), photo(50, 60));
        QVERIFY(!next.recoverAutosavedMask(false, dir.filePath("other.png")));
        QVERIFY(next.recoverAutosavedMask(false, dir.filePath("photo.png")));
        QVERIFY(!QFile::exists(crashed));
        QCOMPARE(next.photo().cols, 200);
        QCOMPARE(next.canvas()->mask().pixelColor(60, 30).red(), 255);
        QCOMPARE(next.canvas()->mask().pixelColor(60, 80).red(), 0);
        // A clean close removes the autosave.
        next.autosaveMaskNow();
        QVERIFY(QFile::exists(next.autosavedMaskPath()));
        next.close();
        QVERIFY(!QFile::exists(next.autosavedMaskPath()));
        MainWindow third;
        QVERIFY(!third.recoverAutosavedMask(false));

        // A mask an older version saved straight into the autosave folder is offered too.
        const QDir root(MainWindow::autosaveFolder());
        writeImageAtomic(root.filePath("mask.png").toStdString(), qImageToMask(next.canvas()->mask()));
        const QByteArray photoPath = dir.filePath("photo.png").toUtf8();
        writeFileAtomic(root.filePath("photo.txt").toStdString(), std::vector<unsigned char>(photoPath.begin(), photoPath.end()));
        QVERIFY(third.recoverAutosavedMask(false));
        QCOMPARE(third.canvas()->mask().pixelColor(60, 30).red(), 255);
        QVERIFY(!QFile::exists(root.filePath("mask.png")) && root.exists());
    }

    // Paste an image, inpaint, copy the result out; then the mask carries over to the next photo.
    void clipboardAndPreviousMask() {
        MainWindow window;
        window.setMethod(Method::Telea);
        QGuiApplication::clipboard()->clear();
        QVERIFY(!window.pasteImage());  // nothing there: an error, no photo
        QVERIFY(window.photo().empty());
        QVERIFY(!window.reusePreviousMask());

        QImage pasted(40, 30, QImage::Format_RGB888);
        for (int y = 0; y < 30; ++y)
            for (int x = 0; x < 40; ++x) pasted.setPixelColor(x, y, QColor(x * 6, y * 8, 200));
        QGuiApplication::clipboard()->setImage(pasted);
        QVERIFY(window.pasteImage());
        QCOMPARE(window.photo().type(), CV_8UC3);
        QCOMPARE(window.photo().cols, 40);
        QCOMPARE(window.photo().at<cv::Vec3b>(10, 20), cv::Vec3b(200, 80, 120));  // BGR of (120, 80, 200)

        window.canvas()->setBrushSize(5);
        window.canvas()->beginStroke({5, 15}, false);
        window.canvas()->extendStroke({35, 15});
        window.canvas()->endStroke();
        QVERIFY(!window.copyResult());  // no result yet
        QSignalSpy ready(window.runner(), &InpaintRunner::resultReady);
        window.inpaint();
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 30000);
        QVERIFY(window.copyResult());
        const cv::Mat copied = fromQImage(QGuiApplication::clipboard()->image());
        QCOMPARE(copied.size(), window.result().size());
        QCOMPARE(cv::norm(copied, window.result(), cv::NORM_INF), 0.0);

        // A photo of another size gets the pasted image's mask, scaled, as one undo step.
        int strokeRows = 0;
        for (int y = 0; y < 30; ++y) strokeRows += window.canvas()->mask().pixelColor(20, y).red() > 0;
        QVERIFY(window.openImage(dir.filePath("photo.png")));  // 200 x 120
        QCOMPARE(window.canvas()->mask().pixelColor(100, 60).red(), 0);
        QVERIFY(window.reusePreviousMask());
        QCOMPARE(window.undoStack()->count(), 1);
        QCOMPARE(window.canvas()->mask().pixelColor(100, 60).red(), 255);  // (20, 15) scaled by 5, 15 rows cropped off the top
        QCOMPARE(window.canvas()->mask().pixelColor(100, 20).red(), 0);
        // 40x30 to 200x120: scaled by 5 both ways to cover it and centred, not stretched by 5 and 4.
        int scaledRows = 0;
        for (int y = 0; y < 120; ++y) scaledRows += window.canvas()->mask().pixelColor(100, y).red() > 0;
        QCOMPARE(scaledRows, 5 * strokeRows);
        window.undoStack()->undo();
        QCOMPARE(window.canvas()->mask().pixelColor(100, 60).red(), 0);
    }

    // Keyboard zoom (Ctrl+1, Zoom In/Out) keeps the spot under the mouse in place, as the wheel
    // does; with the mouse off the panes it zooms around their middle.
    void keyboardZoomKeepsTheSpotUnderTheMouse() {
        MainWindow window;
        window.resize(1200, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openImage(dir.filePath("photo.png")));
        ImagePane* pane = window.resultPane();
        const QPointF local(pane->width() * 0.3, pane->height() * 0.35);
        const QPointF spot = pane->widgetToImage(local);
        window.zoomKeepingCursor(1.0, pane->mapToGlobal(local.toPoint()));
        const QPointF after = pane->widgetToImage(local);
        QVERIFY2(std::hypot(after.x() - spot.x(), after.y() - spot.y()) < 1.0, qPrintable(QString("%1,%2 -> %3,%4").arg(spot.x()).arg(spot.y()).arg(after.x()).arg(after.y())));
        QCOMPARE(pane->widgetToImage(local + QPointF(10, 0)).x() - after.x(), 10.0);  // 100 %: a screen pixel is a photo pixel

        const QPointF middle(pane->width() / 2.0, pane->height() / 2.0);
        const QPointF centre = pane->widgetToImage(middle);
        window.zoomKeepingCursor(2.0, window.mapToGlobal(QPoint(-500, -500)));
        const QPointF centreAfter = pane->widgetToImage(middle);
        QVERIFY(std::hypot(centreAfter.x() - centre.x(), centreAfter.y() - centre.y()) < 1.0);
        QCOMPARE(pane->widgetToImage(middle + QPointF(10, 0)).x() - centreAfter.x(), 5.0);
    }

    // View > Show Mask Pane: hidden, the original and the result share the room; remembered.
    void maskPaneCanBeHidden() {
        auto showMaskPane = [](const MainWindow& window) { return actionContaining(window, "Show &Mask Pane"); };
        int widthWithMaskPane = 0;
        {
            MainWindow window;
            window.resize(1200, 700);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QAction* action = showMaskPane(window);
            QVERIFY(action && action->isChecked());
            widthWithMaskPane = window.canvas()->width();
            action->setChecked(false);
            QVERIFY(window.maskPane()->isHidden());
            QTRY_VERIFY(window.canvas()->width() > widthWithMaskPane * 1.3);
        }
        {
            MainWindow window;  // the choice is remembered
            QVERIFY(window.maskPane()->isHidden());
            showMaskPane(window)->setChecked(true);  // and put back for the other tests
            QVERIFY(!window.maskPane()->isHidden());
        }
    }

    // The brush covers as much of each photo: its size follows the ratio of the photos' long sides.
    void brushFollowsPhotoSize() {
        MainWindow window;
        writeImageAtomic(dir.filePath("small.png").toStdString(), photo(120, 200));
        writeImageAtomic(dir.filePath("large.png").toStdString(), photo(300, 800));
        QVERIFY(window.openImage(dir.filePath("small.png")));
        window.canvas()->setBrushSize(20);
        QVERIFY(window.openImage(dir.filePath("large.png")));
        QCOMPARE(window.canvas()->brushSize(), 80);
        window.canvas()->setBrushSize(30);
        QVERIFY(window.openImage(dir.filePath("small.png")));
        QCOMPARE(window.canvas()->brushSize(), 8);  // 30 / 4, rounded
        QVERIFY(window.openImage(dir.filePath("small.png")));  // same size: kept
        QCOMPARE(window.canvas()->brushSize(), 8);
        // A tiny image clamps the brush to 1 px, but the next photo gets the size the user chose.
        writeImageAtomic(dir.filePath("tiny.png").toStdString(), photo(8, 16));
        QVERIFY(window.openImage(dir.filePath("tiny.png")));
        QCOMPARE(window.canvas()->brushSize(), 1);
        QVERIFY(window.openImage(dir.filePath("large.png")));
        QCOMPARE(window.canvas()->brushSize(), 30);
        // A panorama's long side would give a brush taller than the photo: half its height at most.
        writeImageAtomic(dir.filePath("panorama.png").toStdString(), photo(40, 1600));
        QVERIFY(window.openImage(dir.filePath("panorama.png")));
        QCOMPARE(window.canvas()->brushSize(), 20);
        QVERIFY(window.openImage(dir.filePath("large.png")));
        QCOMPARE(window.canvas()->brushSize(), 30);
    }

    void randomMaskIsUndoable() {
        MainWindow window;
        QVERIFY(window.openImage(dir.filePath("photo.png")));
        window.randomMask();
        QCOMPARE(window.undoStack()->count(), 1);
        const QImage mask = window.canvas()->mask();
        int holes = 0;
        for (int y = 0; y < mask.height(); ++y)
            for (int x = 0; x < mask.width(); ++x) holes += mask.pixelColor(x, y).red() > 0;
        QVERIFY(holes > 0);
        // It takes the Generate Masks dialog's settings, and says so.
        const QString said = window.statusBar()->currentMessage();
        // The percentage as said, to its one decimal (compared as a number: formatting the
        // same ratio computed in another order can round a x.x5 the other way).
        const QRegularExpressionMatch saidRatio = QRegularExpression("Random mask: ([0-9.]+)% holes").match(said);
        QVERIFY2(saidRatio.hasMatch() && said.contains("Tools > Generate Masks"), qPrintable(said));
        QVERIFY2(std::abs(saidRatio.captured(1).toDouble() - 100.0 * holes / (mask.width() * mask.height())) <= 0.0501, qPrintable(said));
        window.undoStack()->undo();
        QCOMPARE(window.canvas()->mask().pixelColor(mask.width() / 2, mask.height() / 2).red(), 0);
    }

    void staleResultNotShown() {
        MainWindow window;
        window.setMethod(Method::NavierStokes);
        writeImageAtomic(dir.filePath("big.png").toStdString(), photo(700, 900));
        QVERIFY(window.openImage(dir.filePath("big.png")));
        window.canvas()->setBrushSize(30);
        window.canvas()->beginStroke({100, 100}, false);
        window.canvas()->extendStroke({800, 600});
        window.canvas()->endStroke();
        QSignalSpy ready(window.runner(), &InpaintRunner::resultReady);
        window.inpaint();
        // The user keeps painting while it runs.
        window.canvas()->beginStroke({100, 600}, false);
        window.canvas()->endStroke();
        QTRY_VERIFY_WITH_TIMEOUT(!window.runner()->isBusy(), 60000);
        QCOMPARE(ready.count(), 0);
        QVERIFY(window.result().empty());
    }

    void batchMaskDialogWritesMasks() {
        BatchMaskDialog dialog;
        dialog.countBox()->setValue(5);
        dialog.minUnitsBox()->setValue(1);
        dialog.maxUnitsBox()->setValue(3);
        dialog.widthBox()->setValue(64);
        dialog.heightBox()->setValue(48);
        dialog.maskFolderEdit()->setText(dir.filePath("generated"));
        dialog.imageFolderEdit()->clear();
        dialog.sampleFolderEdit()->clear();
        QSignalSpy finished(&dialog, &BatchMaskDialog::generationFinished);
        QTest::mouseClick(dialog.generateButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QCOMPARE(finished.at(0).at(0).toInt(), 5);
        const QStringList files = QDir(dir.filePath("generated")).entryList({"mask_*.png"}, QDir::Files);
        QCOMPARE(files.size(), 5);
        QCOMPARE(readMask(QDir(dir.filePath("generated")).filePath(files[0]).toStdString()).cols, 64);
        QTRY_VERIFY(!dialog.isRunning());
        QCOMPARE(dialog.thumbnailCount(), 4);

        // A second batch into the same folder is not written over the first unasked (headless: nobody to ask).
        QSignalSpy failed(&dialog, &BatchMaskDialog::generationFailed);
        const QString firstMask = QDir(dir.filePath("generated")).filePath(files[0]);
        const std::string before = readBytes(firstMask);
        dialog.seedBox()->setValue(dialog.seedBox()->value() + 1);
        QTest::mouseClick(dialog.generateButton(), Qt::LeftButton);
        QCOMPARE(failed.count(), 1);
        QVERIFY2(failed.at(0).at(0).toString().contains("earlier batch"), qPrintable(failed.at(0).at(0).toString()));
        QCOMPARE(readBytes(firstMask), before);
        QCOMPARE(dialog.thumbnailCount(), 0);  // the first batch's would pass for this one's
        failed.clear();

        // A folder the batch would refuse is said before any question about the earlier batch,
        // and the finished batch's full bar does not stay beside the refusal.
        const QString photos = dir.filePath("mask_photos");
        QDir().mkpath(photos);
        writeImageAtomic((photos + "/p.png").toStdString(), photo(64, 48));
        dialog.imageFolderEdit()->setText(photos);
        dialog.sampleFolderEdit()->setText(photos);
        QTest::mouseClick(dialog.generateButton(), Qt::LeftButton);
        QCOMPARE(failed.count(), 1);
        QVERIFY2(failed.at(0).at(0).toString().contains("is the image folder"), qPrintable(failed.at(0).at(0).toString()));
        QCOMPARE(dialog.findChild<QProgressBar*>()->value(), 0);
        failed.clear();
        dialog.imageFolderEdit()->clear();
        dialog.sampleFolderEdit()->clear();

        // A missing output folder is reported, nothing runs.
        dialog.maskFolderEdit()->clear();
        QTest::mouseClick(dialog.generateButton(), Qt::LeftButton);
        QCOMPARE(failed.count(), 1);
    }

    // One click starts from the shipped model, fine-tuning.
    void trainingPanelStartsFromTheDefaultModel() {
        TrainingPanel panel;
        panel.initModelEdit()->clear();
        panel.finetuneCheck()->setChecked(false);
        QVERIFY(panel.defaultModelButton()->isEnabled());
        QTest::mouseClick(panel.defaultModelButton(), Qt::LeftButton);
        QVERIFY2(QFile::exists(panel.initModelEdit()->text()) && panel.initModelEdit()->text().endsWith("models/default.pconv"),
                 qPrintable(panel.initModelEdit()->text()));
        QVERIFY(panel.finetuneCheck()->isChecked());
        // The run trains that model's network: the boxes show it and are locked until Start from is cleared.
        const ModelConfig shipped = PConvModel::load(panel.initModelEdit()->text().toStdString()).config();
        QCOMPARE(panel.depthBox()->value(), shipped.depth);
        QCOMPARE(panel.widthBox()->value(), shipped.width);
        QCOMPARE(panel.stemChannelsBox()->value(), shipped.fullResChannels);
        QVERIFY(!panel.depthBox()->isEnabled() && !panel.widthBox()->isEnabled() && !panel.stemChannelsBox()->isEnabled());
        panel.initModelEdit()->clear();
        QVERIFY(panel.depthBox()->isEnabled() && panel.widthBox()->isEnabled());
        // A path's browse button is locked with its edit (a run in progress must keep its folders).
        auto* browse = panel.outFolderEdit()->parentWidget()->findChild<QPushButton*>();
        QVERIFY(browse && browse->isEnabled());
        panel.outFolderEdit()->setEnabled(false);
        QVERIFY(!browse->isEnabled());
        panel.outFolderEdit()->setEnabled(true);
        QVERIFY(browse->isEnabled());
    }

    // Scrolling the panel over a spin box does not change it unseen.
    // A mask over the whole photo leaves nothing to fill from: said, and no job runs.
    void maskOverTheWholePhotoIsRefused() {
        MainWindow window;
        window.setMethod(Method::Telea);
        QVERIFY(window.openImage(dir.filePath("photo.png")));
        QImage all(window.photo().cols, window.photo().rows, QImage::Format_Grayscale8);
        all.fill(255);
        window.canvas()->replaceMask(all, "all");
        window.inpaint();
        QVERIFY(!window.runner()->isBusy());
        QVERIFY2(window.statusBar()->currentMessage().contains("covers the whole photo"), qPrintable(window.statusBar()->currentMessage()));
        QVERIFY(window.result().empty());
    }

    // Texture in wide holes: from 8 px deep unless chosen otherwise; the old on/off setting's "off" still holds.
    void textureInWideHolesIsAChoice() {
        QSettings settings;
        settings.remove("inpaint/textureFromDepth");
        settings.remove("inpaint/deepHoleTexture");
        MainWindow window;
        QCOMPARE(window.textureFromDepth(), 8);
        QAction* off = nullptr;
        for (QAction* a : window.findChildren<QAction*>())
            if (a->text().startsWith("&Off")) off = a;
        QAction* from48 = actionContaining(window, "&48 px");
        QVERIFY(off && from48 && off->isCheckable());
        from48->trigger();
        QCOMPARE(window.textureFromDepth(), 48);
        off->trigger();
        QCOMPARE(window.textureFromDepth(), 0);
        settings.remove("inpaint/textureFromDepth");
        settings.setValue("inpaint/deepHoleTexture", false);
        QCOMPARE(window.textureFromDepth(), 0);
        settings.remove("inpaint/deepHoleTexture");
    }

    // The texture setting changes what a PConv fill looks like: the result says which one
    // made it, and that it is out of step once another is chosen.
    void resultSaysItsTextureSetting() {
        QSettings settings;
        settings.remove("inpaint/textureFromDepth");
        MainWindow window;
        window.setMethod(Method::PConv);
        QVERIFY(window.openImage(dir.filePath("photo.png")));
        MaskCanvas* canvas = window.canvas();
        canvas->setBrushSize(9);
        canvas->beginStroke({50, 60}, false);
        canvas->extendStroke({150, 60});
        canvas->endStroke();
        QSignalSpy ready(window.runner(), &InpaintRunner::resultReady);
        window.inpaint();
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 30000);
        const QString made = window.resultPane()->title();
        QVERIFY2(made.contains("texture from 8 px") && !made.contains("again"), qPrintable(made));
        QAction* from48 = actionContaining(window, "&48 px");
        QVERIFY(from48);
        from48->trigger();
        QVERIFY2(window.resultPane()->title().contains("made with") && window.resultPane()->title().contains("Inpaint again"),
                 qPrintable(window.resultPane()->title()));
        settings.remove("inpaint/textureFromDepth");
    }

    // Transparent pixels show as grey checks, not as the pane's dark background (they passed for black).
    void transparencyShowsAsChecks() {
        ImagePane pane("t");
        pane.resize(200, 200);
        QImage image(64, 64, QImage::Format_RGBA8888);
        image.fill(Qt::transparent);
        image.setPixelColor(40, 40, QColor(255, 0, 0, 255));
        pane.setImage(image);
        const QImage shown = pane.grab().toImage();
        const QColor a = shown.pixelColor(2, 30), b = shown.pixelColor(10, 30), opaque = shown.pixelColor(40, 40), outside = shown.pixelColor(150, 150);
        QVERIFY2(a != b && a.lightness() > 120 && b.lightness() > 120, qPrintable(a.name() + " " + b.name()));
        QCOMPARE(opaque, QColor(255, 0, 0));
        QVERIFY(outside.lightness() < 60);  // beyond the image: the pane's background
        image.fill(QColor(0, 0, 255));
        pane.setImage(image.convertToFormat(QImage::Format_RGB888));
        QCOMPARE(pane.grab().toImage().pixelColor(2, 30), QColor(0, 0, 255));
    }

    // Save dialogs: a name typed without an extension takes the chosen file type's.
    void typedNameTakesTheChosenTypesExtension() {
        const QString filters = "JPEG (*.jpg *.jpeg)";
        QCOMPARE(withFilterSuffix("/tmp/photo", filters), QString("/tmp/photo.jpg"));
        QCOMPARE(withFilterSuffix("/tmp/photo.", "PNG (*.png)"), QString("/tmp/photo.png"));
        QCOMPARE(withFilterSuffix("/tmp/photo.webp", filters), QString("/tmp/photo.webp"));
        QCOMPARE(withFilterSuffix("/tmp/my.photos/photo", "TIFF (*.tif *.tiff)"), QString("/tmp/my.photos/photo.tif"));
        QCOMPARE(withFilterSuffix("/tmp/photo", "All files (*)"), QString("/tmp/photo"));
        QCOMPARE(withFilterSuffix("", filters), QString());
        // A dot in the name is not a format: "holiday.v2" was refused as an unknown format.
        QCOMPARE(withFilterSuffix("/tmp/holiday.v2", filters), QString("/tmp/holiday.v2.jpg"));
        QCOMPARE(withFilterSuffix("/tmp/photo.PNG", filters), QString("/tmp/photo.PNG"));
    }

    void trainingPanelWheelScrolls() {
        TrainingPanel panel;
        QSpinBox* box = panel.batchBox();
        const int before = box->value();
        QWheelEvent wheel(QPointF(5, 5), box->mapToGlobal(QPointF(5, 5)), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(box, &wheel);
        QCOMPARE(box->value(), before);
    }

    // Why a run could not start is said on the panel's status line, not only in its log.
    void trainingFailureIsShownOnTheStatusLine() {
        const QString empty = dir.filePath("no_photos");
        QDir().mkpath(empty);
        TrainingPanel panel;
        panel.dataFolderEdit()->setText(empty);
        panel.outFolderEdit()->setText(dir.filePath("no_photos_out"));
        panel.initModelEdit()->clear();
        panel.resumeCheck()->setChecked(false);
        panel.sizeBox()->setValue(32);
        panel.depthBox()->setValue(3);
        QTest::mouseClick(panel.startButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!panel.runner()->isRunning() && panel.startButton()->isEnabled(), 30000);
        QTRY_VERIFY2(panel.statusLabel()->text().startsWith("Failed:") && panel.statusLabel()->text().contains("no_photos"),
                     qPrintable(panel.statusLabel()->text()));
        // Training into the photo folder is refused, and nothing is written there.
        const QString photos = dir.filePath("photos_only");
        QDir().mkpath(photos);
        for (int i = 0; i < 3; ++i) writeImageAtomic(QString("%1/p%2.png").arg(photos).arg(i).toStdString(), photo(64, 80));
        panel.dataFolderEdit()->setText(photos);
        panel.outFolderEdit()->setText(photos);
        QTest::mouseClick(panel.startButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!panel.runner()->isRunning() && panel.startButton()->isEnabled(), 30000);
        QTRY_VERIFY2(panel.statusLabel()->text().contains("is the photo folder"), qPrintable(panel.statusLabel()->text()));
        QCOMPARE(QDir(photos).entryList(QDir::Files).size(), 3);
    }

    void trainingPanelRunsAndStops() {
        const QString photos = dir.filePath("train_photos");
        QDir().mkpath(photos);
        for (int i = 0; i < 3; ++i) writeImageAtomic(QString("%1/p%2.png").arg(photos).arg(i).toStdString(), photo(64, 80 + i * 10));
        TrainingPanel panel;
        panel.dataFolderEdit()->setText(photos);
        panel.outFolderEdit()->setText(dir.filePath("train_out"));
        panel.vggFileEdit()->clear();
        panel.initModelEdit()->clear();
        panel.sizeBox()->setValue(32);
        panel.batchBox()->setValue(2);
        panel.depthBox()->setValue(3);
        panel.widthBox()->setValue(4);
        panel.stepsBox()->setValue(100000);
        // More settings: an extra image folder, jitter, the SSIM term and a stem reach the run.
        const QString extra = dir.filePath("train_extra");
        QDir().mkpath(extra);
        writeImageAtomic((extra + "/art.png").toStdString(), photo(70, 90));
        panel.extraFolderEdit()->setText(extra);
        panel.colourJitterBox()->setValue(0.2);
        panel.geometricJitterBox()->setValue(0.5);
        panel.ssimWeightBox()->setValue(1);
        panel.stemChannelsBox()->setValue(4);
        panel.seedBox()->setValue(7);
        const TrainOptions planned = panel.options();
        QCOMPARE(QString::fromStdString(planned.data.extraFolder), extra);
        QCOMPARE(planned.data.colourJitter, 0.2);
        QCOMPARE(planned.data.geometricJitter, 0.5);
        QCOMPARE(planned.lossWeights.ssim, 1.0);
        QCOMPARE(planned.model.fullResChannels, 4);
        QCOMPARE(planned.data.seed, std::uint64_t{7});
        QSignalSpy steps(panel.runner(), &TrainingRunner::stepReported);
        QSignalSpy finished(panel.runner(), &TrainingRunner::finished);
        QTest::mouseClick(panel.startButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(steps.count() >= 3, 60000);
        QVERIFY(!panel.startButton()->isEnabled());
        QVERIFY(!panel.useModelButton()->isEnabled());  // which model, during a run?
        // The spy counts in the worker thread; the curve is drawn once the queued signals arrive.
        QTRY_VERIFY_WITH_TIMEOUT(panel.plottedPoints() >= 3, 30000);
        QTest::mouseClick(panel.stopButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QVERIFY(finished.at(0).at(0).toBool());  // stopped early
        QVERIFY(QFile::exists(dir.filePath("train_out/checkpoint.pt")));
        QTRY_VERIFY(panel.useModelButton()->isEnabled());
        QSignalSpy use(&panel, &TrainingPanel::useModelRequested);
        QTest::mouseClick(panel.useModelButton(), Qt::LeftButton);
        QCOMPARE(use.count(), 1);
        // Another output folder: the stopped run's last word is not about it.
        QVERIFY(panel.statusLabel()->text().startsWith("Stopped at step"));
        panel.outFolderEdit()->setText(dir.filePath("train_out_other"));
        QCOMPARE(panel.statusLabel()->text(), QString("Not running."));
        panel.outFolderEdit()->setText(dir.filePath("train_out"));
        const auto trained = PConvModel::load(use.at(0).at(0).toString().toStdString()).config();
        QCOMPARE(trained.width, 4);
        QCOMPARE(trained.fullResChannels, 4);
        QVERIFY2(steps.last().at(2).value<QVector<double>>()[ssimTermIndex()] > 0, "the SSIM term is on");

        // Resume continues that network: its depth, width and stem are shown and locked, and
        // the run's other settings come back into the boxes (editable).
        panel.resumeCheck()->setChecked(false);
        panel.depthBox()->setValue(5);
        panel.sizeBox()->setValue(64);
        panel.colourJitterBox()->setValue(0.5);
        panel.resumeCheck()->setChecked(true);
        QCOMPARE(panel.depthBox()->value(), 3);
        QCOMPARE(panel.sizeBox()->value(), 32);
        QCOMPARE(panel.colourJitterBox()->value(), 0.2);
        QVERIFY(panel.sizeBox()->isEnabled());
        QVERIFY(!panel.depthBox()->isEnabled() && !panel.widthBox()->isEnabled() && !panel.stemChannelsBox()->isEnabled());
        panel.resumeCheck()->setChecked(false);
        QVERIFY(panel.depthBox()->isEnabled());

        // A hole-ratio range upside down is refused before anything runs.
        panel.resumeCheck()->setChecked(true);
        panel.holeRatioLowBox()->setValue(0.5);
        panel.holeRatioHighBox()->setValue(0.2);
        QTest::mouseClick(panel.startButton(), Qt::LeftButton);
        QVERIFY(!panel.runner()->isRunning());
        panel.holeRatioLowBox()->setValue(0.01);
        panel.holeRatioHighBox()->setValue(0.6);

        // Without Resume, a new run in that folder would replace this one: not unasked (headless: nobody to ask).
        panel.resumeCheck()->setChecked(false);
        const std::string checkpoint = readBytes(dir.filePath("train_out/checkpoint.pt"));
        QTest::mouseClick(panel.startButton(), Qt::LeftButton);
        QVERIFY(!panel.runner()->isRunning());
        QCOMPARE(readBytes(dir.filePath("train_out/checkpoint.pt")), checkpoint);
        QVERIFY2(panel.statusLabel()->text().startsWith("Not started"), qPrintable(panel.statusLabel()->text()));

        // Resumed, the curves carry on from the run's logs at once: the losses, and the
        // validations up to the checkpoint's step (one later, from a crash, is left out).
        const auto logged = readTrainingLog(dir.filePath("train_out/log.csv").toStdString(), 1000000);
        QVERIFY(logged.size() >= 3);
        {
            QFile validations(dir.filePath("train_out/validation.csv"));
            QVERIFY(validations.open(QIODevice::WriteOnly | QIODevice::Truncate));
            validations.write("step,l1_percent,psnr,ssim\n1,3.5,21.5,0.7\n2,3.4,21.9,0.71\n99999999,3,22,0.72\n");
        }
        panel.resumeCheck()->setChecked(true);
        // Ticking Resume answers the refusal: the line now tells what Start would do.
        QVERIFY2(panel.statusLabel()->text().contains("Start continues it"), qPrintable(panel.statusLabel()->text()));
        // Before Start too: the charts show the run that Start would continue, also in a panel opened afresh.
        QVERIFY(panel.plottedPoints() >= int(logged.size()));
        QCOMPARE(panel.plottedValidationPoints(), 2);
        {
            TrainingPanel reopened;
            QCOMPARE(reopened.outFolderEdit()->text(), dir.filePath("train_out"));
            QVERIFY(reopened.plottedPoints() >= int(logged.size()));
            QCOMPARE(reopened.plottedValidationPoints(), 2);
            reopened.resumeCheck()->setChecked(false);  // a new run would start blank
            QCOMPARE(reopened.plottedPoints(), 0);
        }
        QSignalSpy resumedFinish(panel.runner(), &TrainingRunner::finished);
        QTest::mouseClick(panel.startButton(), Qt::LeftButton);
        QVERIFY(panel.runner()->isRunning());
        QVERIFY2(panel.plottedPoints() >= int(logged.size()), qPrintable(QString::number(panel.plottedPoints())));
        QCOMPARE(panel.plottedValidationPoints(), 2);
        QTest::mouseClick(panel.stopButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(resumedFinish.count(), 1, 60000);

        // Choosing a model to start from asks for a new run: Resume, which would ignore it, is unticked.
        const QString trainedModel = use.at(0).at(0).toString();
        QTRY_VERIFY(panel.startButton()->isEnabled());
        panel.resumeCheck()->setChecked(true);
        panel.initModelEdit()->setText(trainedModel);
        QVERIFY(!panel.resumeCheck()->isChecked());
        // Its network's size multiple is checked before anything runs (depth 3: multiples of 8).
        panel.outFolderEdit()->setText(dir.filePath("train_out_from_model"));
        panel.sizeBox()->setValue(36);
        QTest::mouseClick(panel.startButton(), Qt::LeftButton);
        QVERIFY(!panel.runner()->isRunning());
        QVERIFY2(panel.statusLabel()->text().contains("multiple of 8"), qPrintable(panel.statusLabel()->text()));

        // A run that fails in the worker (no photos) leaves the network boxes usable again.
        panel.initModelEdit()->clear();
        const QString noPhotos = dir.filePath("no_photos");
        QDir().mkpath(noPhotos);
        panel.dataFolderEdit()->setText(noPhotos);
        panel.sizeBox()->setValue(32);
        QSignalSpy failed(panel.runner(), &TrainingRunner::failed);
        QTest::mouseClick(panel.startButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QTRY_VERIFY(panel.startButton()->isEnabled());
        QVERIFY(panel.depthBox()->isEnabled() && panel.widthBox()->isEnabled() && panel.stemChannelsBox()->isEnabled());
    }
};

QTEST_MAIN(TestEditor)
#include "test_editor.moc"
