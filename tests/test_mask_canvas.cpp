// Painting on the canvas with real mouse events: strokes land on the right
// image pixels at several zooms and pans; eraser; undo and redo per stroke.
#include "mask_canvas.h"
#include "view_state.h"

#include <QtTest>
#include <QUndoStack>

using pconv::ui::MaskCanvas;
using pconv::ui::ViewState;

class TestMaskCanvas : public QObject {
    Q_OBJECT
    ViewState* view = nullptr;
    MaskCanvas* canvas = nullptr;
    QUndoStack* undo = nullptr;

    int maskAt(int x, int y) const { return canvas->mask().pixelColor(x, y).red(); }
    QPoint toWidget(double x, double y) const { return canvas->imageToWidget({x + 0.5, y + 0.5}).toPoint(); }

    void drag(Qt::MouseButton button, const QPointF& from, const QPointF& to) {
        QTest::mousePress(canvas, button, {}, toWidget(from.x(), from.y()));
        // QTest::mouseMove sends no button state; send the move event ourselves.
        const QPointF widgetTo = toWidget(to.x(), to.y());
        QMouseEvent move(QEvent::MouseMove, widgetTo, canvas->mapToGlobal(widgetTo), Qt::NoButton, button, Qt::NoModifier);
        QApplication::sendEvent(canvas, &move);
        QTest::mouseRelease(canvas, button, {}, toWidget(to.x(), to.y()));
    }

private Q_SLOTS:
    void init() {
        view = new ViewState;
        undo = new QUndoStack;
        canvas = new MaskCanvas;
        canvas->setViewState(view);
        canvas->setUndoStack(undo);
        canvas->resize(400, 300);
        QImage photo(200, 100, QImage::Format_RGB888);
        photo.fill(Qt::darkGreen);
        canvas->setPhoto(photo);
        view->setImageSize(photo.size());
        canvas->setBrushSize(5);
        canvas->show();
        QVERIFY(QTest::qWaitForWindowExposed(canvas));
    }
    void cleanup() {
        delete canvas;
        delete undo;
        delete view;
    }

    void strokesLandOnImagePixels_data() {
        QTest::addColumn<double>("zoom");
        QTest::addColumn<QPointF>("center");
        QTest::newRow("zoom 1, centred") << 1.0 << QPointF(100, 50);
        QTest::newRow("zoom 2, panned") << 2.0 << QPointF(60, 40);
        QTest::newRow("zoom 0.5") << 0.5 << QPointF(100, 50);
        QTest::newRow("zoom 3.7, panned") << 3.7 << QPointF(30, 20);
    }
    void strokesLandOnImagePixels() {
        QFETCH(double, zoom);
        QFETCH(QPointF, center);
        view->setZoom(zoom);
        view->setCenter(center);
        const QPointF a = center + QPointF(-12, -5), b = center + QPointF(12, -5);
        drag(Qt::LeftButton, a, b);
        // On the stroke line, painted; 6 px off it (brush radius 2.5), not.
        QCOMPARE(maskAt(int(a.x()) + 1, int(a.y())), 255);
        QCOMPARE(maskAt(int(center.x()), int(a.y())), 255);
        QCOMPARE(maskAt(int(b.x()) - 1, int(b.y())), 255);
        QCOMPARE(maskAt(int(center.x()), int(a.y()) + 6), 0);
        QCOMPARE(maskAt(int(center.x()), int(a.y()) - 6), 0);
        QCOMPARE(maskAt(int(b.x()) + 6, int(b.y())), 0);
        QCOMPARE(undo->count(), 1);
    }

    void undoRedoPerStroke() {
        drag(Qt::LeftButton, {20, 20}, {40, 20});
        drag(Qt::LeftButton, {20, 60}, {40, 60});
        QCOMPARE(undo->count(), 2);
        undo->undo();
        QCOMPARE(maskAt(30, 60), 0);
        QCOMPARE(maskAt(30, 20), 255);
        undo->undo();
        QCOMPARE(maskAt(30, 20), 0);
        undo->redo();
        undo->redo();
        QCOMPARE(maskAt(30, 20), 255);
        QCOMPARE(maskAt(30, 60), 255);
    }

    void eraserAndRightButton() {
        canvas->setBrushSize(20);
        drag(Qt::LeftButton, {50, 50}, {150, 50});
        QCOMPARE(maskAt(100, 50), 255);
        canvas->setBrushSize(4);
        drag(Qt::RightButton, {100, 40}, {100, 60});  // right button erases
        QCOMPARE(maskAt(100, 50), 0);
        QCOMPARE(maskAt(80, 50), 255);
        canvas->setTool(MaskCanvas::Tool::Eraser);
        drag(Qt::LeftButton, {80, 40}, {80, 60});  // left button with the eraser
        QCOMPARE(maskAt(80, 50), 0);
        QCOMPARE(maskAt(120, 50), 255);
        undo->undo();
        QCOMPARE(maskAt(80, 50), 255);
    }

    void maskIsBinaryAndSignalsChange() {
        QSignalSpy changed(canvas, &MaskCanvas::maskChanged);
        view->setZoom(1.7);
        drag(Qt::LeftButton, {10, 10}, {190, 90});
        QCOMPARE(changed.count(), 1);
        const QImage mask = canvas->mask();
        for (int y = 0; y < mask.height(); ++y)
            for (int x = 0; x < mask.width(); ++x) {
                const int v = mask.pixelColor(x, y).red();
                QVERIFY(v == 0 || v == 255);
            }
    }

    void spaceDragPansInsteadOfPainting() {
        const QPointF before = view->center();
        QTest::keyPress(canvas, Qt::Key_Space);
        drag(Qt::LeftButton, {100, 50}, {120, 50});
        QTest::keyRelease(canvas, Qt::Key_Space);
        QCOMPARE(undo->count(), 0);
        QVERIFY(view->center() != before);
        QCOMPARE(maskAt(110, 50), 0);
    }

    void wholeMaskReplaceIsUndoable() {
        QImage full(200, 100, QImage::Format_Grayscale8);
        full.fill(255);
        canvas->replaceMask(full, "Invert");
        QCOMPARE(maskAt(0, 0), 255);
        undo->undo();
        QCOMPARE(maskAt(0, 0), 0);
    }
};

QTEST_MAIN(TestMaskCanvas)
#include "test_mask_canvas.moc"
