#include "main_window.h"

#include "batch_mask_dialog.h"
#include "file_name_suffix.h"
#include "image_convert.h"
#include "image_pane.h"
#include "image_state_command.h"
#include "inpaint_runner.h"
#include "mask_autosave.h"
#include "mask_canvas.h"
#include "result_pane.h"
#include "training_panel.h"
#include "training_runner.h"
#include "view_state.h"

#include "pconv/default_model.h"
#include "pconv/errors.h"
#include "pconv/image_io.h"
#include "pconv/mask_generator.h"
#include "pconv/mask_ops.h"

#include <QActionGroup>
#include <QApplication>
#include <QDir>
#include <QClipboard>
#include <QCloseEvent>
#include <QColorDialog>
#include <QComboBox>
#include <QCursor>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFormLayout>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QStandardPaths>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace pconv::ui {
namespace {

const char* kImageFilter = QT_TRANSLATE_NOOP("MainWindow", "Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff *.pgm *.ppm);;All files (*)");
constexpr int kMaxRecent = 8;

QString modelLabel(const QString& path) { return QFileInfo(path).fileName() + "  (" + QFileInfo(path).absolutePath() + ")"; }

} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("PConv Studio"));
    setAcceptDrops(true);
    view_ = new ViewState(this);
    undoStack_ = new QUndoStack(this);
    runner_ = new InpaintRunner(this);

    canvas_ = new MaskCanvas(this);
    canvas_->setUndoStack(undoStack_);
    canvas_->setPlaceholder(tr("Open a photo (Ctrl+O) or drop one here."));
    maskPane_ = new ImagePane(tr("Mask — white = hole"), this);
    resultPane_ = new ResultPane(this);
    for (ImagePane* pane : std::initializer_list<ImagePane*>{canvas_, maskPane_, resultPane_}) pane->setViewState(view_);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(canvas_);
    splitter->addWidget(maskPane_);
    splitter->addWidget(resultPane_);
    for (int i = 0; i < 3; ++i) splitter->setStretchFactor(i, 1);
    setCentralWidget(splitter);
    for (ImagePane* pane : std::initializer_list<ImagePane*>{canvas_, maskPane_, resultPane_})
        connect(pane, &ImagePane::resized, this, [this] {
            if (view_->isFitting()) fitView();
        });

    createActions();
    createToolBar();
    createDocks();

    sizeLabel_ = new QLabel(this);
    ratioLabel_ = new QLabel(this);
    timeLabel_ = new QLabel(this);
    progress_ = new QProgressBar(this);
    progress_->setMaximumWidth(180);
    progress_->setVisible(false);
    statusBar()->addWidget(sizeLabel_);
    statusBar()->addWidget(ratioLabel_);
    statusBar()->addWidget(timeLabel_);
    statusBar()->addPermanentWidget(progress_);

    connect(canvas_, &MaskCanvas::maskChanged, this, &MainWindow::onMaskChanged);
    autosave_ = std::make_unique<MaskAutosave>();
    autosaveTimer_ = new QTimer(this);
    autosaveTimer_->setSingleShot(true);
    autosaveTimer_->setInterval(1500);
    connect(autosaveTimer_, &QTimer::timeout, this, &MainWindow::autosaveMaskNow);
    connect(runner_, &InpaintRunner::resultReady, this, &MainWindow::onResult);
    connect(runner_, &InpaintRunner::failed, this, [this](const QString& message) { showError(tr("Inpainting failed"), message); });
    connect(runner_, &InpaintRunner::cancelled, this, [this] { statusBar()->showMessage(tr("Inpainting cancelled."), 4000); });
    connect(runner_, &InpaintRunner::staleResultDropped, this,
            [this] { statusBar()->showMessage(tr("The image or mask changed while inpainting: that result was dropped."), 5000); });
    connect(runner_, &InpaintRunner::progress, this, [this](int done, int total) {
        // A single piece of work has no steps to show: the bar stays a busy indicator, not "0%".
        if (total <= 1) return;
        progress_->setRange(0, total);
        progress_->setValue(done);
    });
    connect(runner_, &InpaintRunner::busyChanged, this, [this](bool busy) {
        progress_->setVisible(busy);
        progress_->setRange(0, 0);
        resultPane_->setInpainting(busy);
        updateActions();
    });
    connect(undoStack_, &QUndoStack::canUndoChanged, this, [this] { updateActions(); });

    restoreSettings();
    updateStatus();
    updateActions();
}

MainWindow::~MainWindow() {
    // Children are destroyed after this body, and QUndoStack::clear() signals on the
    // way out: keep those signals from reaching a half-destroyed window (UBSan found it).
    undoStack_->disconnect(this);
    runner_->disconnect(this);
    canvas_->disconnect(this);
}

void MainWindow::createActions() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    openAction_ = file->addAction(QIcon::fromTheme("document-open"), tr("&Open…"), this, [this] {
        // The photo first, then the question about unsaved work: a look into the dialog
        // that ends in Cancel asks nothing.
        QSettings settings;
        const QString path = QFileDialog::getOpenFileName(this, tr("Open Photo"), settings.value("folders/open").toString(), tr(kImageFilter));
        if (!path.isEmpty() && confirmDiscard(tr("open another photo"))) openImage(path);
    });
    openAction_->setShortcut(QKeySequence::Open);
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    saveAction_ = file->addAction(QIcon::fromTheme("document-save"), tr("&Save Result"), this, [this] {
        if (lastSavedResultPath_.isEmpty()) saveResultAs();
        else if (confirmSavingOutOfDateResult()) saveResult(lastSavedResultPath_, jpegQuality_);
    });
    saveAction_->setShortcut(QKeySequence::Save);
    saveAsAction_ = file->addAction(tr("Save Result &As…"), this, &MainWindow::saveResultAs);
    saveAsAction_->setShortcut(QKeySequence("Ctrl+Shift+S"));
    useResultAction_ = file->addAction(tr("&Use Result as New Image"), this, &MainWindow::useResultAsImage);
    useResultAction_->setShortcut(QKeySequence("Ctrl+U"));
    copyResultAction_ = file->addAction(tr("&Copy Result"), this, &MainWindow::copyResult);
    copyResultAction_->setShortcut(QKeySequence::Copy);
    file->addAction(tr("&Paste Image"), this, &MainWindow::pasteImage)->setShortcut(QKeySequence::Paste);
    file->addSeparator();
    importMaskAction_ = file->addAction(tr("&Import Mask…"), this, [this] {
        QSettings settings;
        const QString path = QFileDialog::getOpenFileName(this, tr("Import Mask"), settings.value("folders/mask").toString(), tr(kImageFilter));
        if (!path.isEmpty()) importMask(path);
    });
    importMaskAction_->setShortcut(QKeySequence("Ctrl+I"));
    exportMaskAction_ = file->addAction(tr("&Export Mask…"), this, &MainWindow::exportMaskAs);
    exportMaskAction_->setShortcut(QKeySequence("Ctrl+E"));
    file->addSeparator();
    file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    undoAction_ = undoStack_->createUndoAction(this, tr("&Undo"));
    undoAction_->setShortcut(QKeySequence::Undo);
    redoAction_ = undoStack_->createRedoAction(this, tr("&Redo"));
    redoAction_->setShortcuts({QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")});
    edit->addAction(undoAction_);
    edit->addAction(redoAction_);
    edit->addSeparator();
    brushAction_ = edit->addAction(tr("&Brush"), this, [this] { canvas_->setTool(MaskCanvas::Tool::Brush); });
    brushAction_->setShortcut(QKeySequence("B"));
    eraserAction_ = edit->addAction(tr("&Eraser"), this, [this] { canvas_->setTool(MaskCanvas::Tool::Eraser); });
    eraserAction_->setShortcut(QKeySequence("E"));
    auto* tools = new QActionGroup(this);
    for (QAction* a : {brushAction_, eraserAction_}) {
        a->setCheckable(true);
        tools->addAction(a);
    }
    brushAction_->setChecked(true);
    connect(canvas_, &MaskCanvas::toolChanged, this, [this](MaskCanvas::Tool tool) {
        (tool == MaskCanvas::Tool::Brush ? brushAction_ : eraserAction_)->setChecked(true);
    });
    edit->addAction(tr("Bigger Brush"), this, [this] { canvas_->setBrushSize(std::max(canvas_->brushSize() + 1, int(std::lround(canvas_->brushSize() * 1.25)))); })
        ->setShortcut(QKeySequence("]"));
    edit->addAction(tr("Smaller Brush"), this, [this] { canvas_->setBrushSize(std::min(canvas_->brushSize() - 1, int(std::lround(canvas_->brushSize() / 1.25)))); })
        ->setShortcut(QKeySequence("["));
    edit->addAction(tr("Overlay Colour…"), this, [this] {
        const QColor color = QColorDialog::getColor(canvas_->overlayColor(), this, tr("Mask Overlay Colour"), QColorDialog::ShowAlphaChannel);
        if (color.isValid()) canvas_->setOverlayColor(color);
    });
    edit->addSeparator();
    clearAction_ = edit->addAction(tr("&Clear Mask"), this, [this] {
        QImage empty(canvas_->mask().size(), QImage::Format_Grayscale8);
        empty.fill(0);
        canvas_->replaceMask(empty, tr("Clear mask"));
    });
    clearAction_->setShortcut(QKeySequence("Ctrl+Shift+X"));
    invertAction_ = edit->addAction(tr("&Invert Mask"), this, [this] {
        canvas_->replaceMask(maskToQImage(invertHoles(qImageToMask(canvas_->mask()))), tr("Invert mask"));
    });
    invertAction_->setShortcut(QKeySequence("Ctrl+Shift+I"));
    growAction_ = edit->addAction(tr("&Grow Mask…"), this, [this] {
        bool ok = false;
        const int px = QInputDialog::getInt(this, tr("Grow Mask"), tr("Grow the holes by (px):"), growPixels_, 1, 500, 1, &ok);
        if (!ok) return;
        growPixels_ = px;
        canvas_->replaceMask(maskToQImage(growHoles(qImageToMask(canvas_->mask()), px)), tr("Grow mask"));
    });
    growAction_->setShortcut(QKeySequence("Ctrl+G"));
    shrinkAction_ = edit->addAction(tr("S&hrink Mask…"), this, [this] {
        bool ok = false;
        const int px = QInputDialog::getInt(this, tr("Shrink Mask"), tr("Shrink the holes by (px):"), growPixels_, 1, 500, 1, &ok);
        if (!ok) return;
        growPixels_ = px;
        canvas_->replaceMask(maskToQImage(shrinkHoles(qImageToMask(canvas_->mask()), px)), tr("Shrink mask"));
    });
    shrinkAction_->setShortcut(QKeySequence("Ctrl+Shift+G"));
    randomAction_ = edit->addAction(tr("&Random Mask"), this, &MainWindow::randomMask);
    randomAction_->setShortcut(QKeySequence("R"));
    reuseMaskAction_ = edit->addAction(tr("Reuse &Previous Mask"), this, &MainWindow::reusePreviousMask);
    reuseMaskAction_->setShortcut(QKeySequence("Ctrl+Shift+M"));
    randomAction_->setToolTip(tr("Fill the mask with random strokes (the training mask generator, with the units and hole ratio "
                                 "set in Tools > Generate Masks)"));

    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
    fitAction_ = viewMenu->addAction(tr("&Fit"), this, &MainWindow::fitView);
    fitAction_->setShortcut(QKeySequence("Ctrl+0"));
    actualAction_ = viewMenu->addAction(tr("&100%"), this, [this] { zoomKeepingCursor(1.0, QCursor::pos()); });
    actualAction_->setShortcut(QKeySequence("Ctrl+1"));
    // Ctrl+= too: on most keyboards "+" needs Shift, and Ctrl+= is what people press.
    viewMenu->addAction(tr("Zoom &In"), this, [this] { zoomKeepingCursor(view_->zoom() * 1.25, QCursor::pos()); })
        ->setShortcuts({QKeySequence(QKeySequence::ZoomIn), QKeySequence("Ctrl+=")});
    viewMenu->addAction(tr("Zoom &Out"), this, [this] { zoomKeepingCursor(view_->zoom() / 1.25, QCursor::pos()); })
        ->setShortcut(QKeySequence::ZoomOut);
    // The original already shows the holes: without the mask pane the other two get its room
    // (an audit wanted bigger views at 100 %). Remembered between sessions.
    QAction* maskPaneAction = viewMenu->addAction(tr("Show &Mask Pane"));
    maskPaneAction->setCheckable(true);
    maskPaneAction->setChecked(QSettings().value("view/maskPane", true).toBool());
    maskPane_->setHidden(!maskPaneAction->isChecked());
    connect(maskPaneAction, &QAction::toggled, this, [this](bool shown) {
        maskPane_->setHidden(!shown);
        QSettings().setValue("view/maskPane", shown);
    });
    compareAction_ = viewMenu->addAction(tr("&Compare Before/After"));
    compareAction_->setCheckable(true);
    compareAction_->setShortcut(QKeySequence("C"));
    compareAction_->setToolTip(tr("Show the original left of a split line on the result; drag the line"));
    connect(compareAction_, &QAction::toggled, resultPane_, &ResultPane::setCompare);

    QMenu* toolsMenu = menuBar()->addMenu(tr("&Tools"));
    toolsMenu->setToolTipsVisible(true);
    toolsMenu->addAction(tr("&Inpaint"), this, &MainWindow::inpaint)->setShortcut(QKeySequence("Ctrl+Return"));
    cancelAction_ = toolsMenu->addAction(tr("&Cancel Inpainting"), this, &MainWindow::cancelInpaint);
    cancelAction_->setShortcut(QKeySequence("Esc"));
    toolsMenu->addAction(tr("&Big-Photo Settings…"), this, &MainWindow::editHdSettings);
    addMirrorViewsMenu(toolsMenu);
    addDeepHoleTextureMenu(toolsMenu);
    toolsMenu->addSeparator();
    toolsMenu->addAction(tr("&Generate Masks…"), this, [this] {
        BatchMaskDialog dialog(this);
        dialog.exec();
    });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard Shortcuts"), this, [this] {
        QMessageBox::information(this, tr("Keyboard Shortcuts"),
                                 tr("Left button: paint holes (eraser tool: erase)\nRight button: erase\nB / E: brush / eraser\n"
                                    "[ / ]: smaller / bigger brush\nCtrl+wheel or Ctrl+= / Ctrl+-: zoom · wheel: scroll · "
                                    "Space+drag or middle button: pan\n"
                                    "Ctrl+0: fit · Ctrl+1: 100%\nCtrl+Z / Ctrl+Shift+Z: undo / redo\nR: random mask\n"
                                    "Ctrl+G / Ctrl+Shift+G: grow / shrink the mask · Ctrl+Shift+I: invert · Ctrl+Shift+X: clear\n"
                                    "Ctrl+Shift+M: reuse the previous photo's mask\n"
                                    "Ctrl+Return: inpaint · Esc: cancel\nC: compare before/after (drag the split line)\n"
                                    "Ctrl+O: open · Ctrl+S: save result · Ctrl+Shift+S: save as · Ctrl+U: use result as new image\n"
                                    "Ctrl+I / Ctrl+E: import / export mask\n"
                                    "Ctrl+V: paste an image · Ctrl+C: copy the result\n"
                                    "Ctrl+T: training panel · Ctrl+Shift+T: start training"));
    });
    help->addAction(tr("&About"), this, [this] {
        QMessageBox::about(this, tr("About PConv Studio"),
                           tr("<b>PConv Studio %1</b><br>Removes things from photos with a Partial-Convolution U-Net "
                              "(Liu et al., ECCV 2018), or OpenCV's Telea and Navier-Stokes methods.")
                               .arg(QCoreApplication::applicationVersion()));
    });
}

void MainWindow::createToolBar() {
    QToolBar* bar = addToolBar(tr("Tools"));
    bar->setObjectName("tools");
    bar->addAction(openAction_);
    bar->addAction(saveAction_);
    bar->addSeparator();
    bar->addAction(brushAction_);
    bar->addAction(eraserAction_);
    brushSlider_ = new QSlider(Qt::Horizontal, this);
    brushSlider_->setRange(1, 400);
    brushSlider_->setMaximumWidth(140);
    // The size follows the photo (a share of its long side), so its px change between photos.
    const QString brushTip = tr("Brush size in image pixels ([ and ]). It keeps its share of the photo: "
                                "40 px on a 1000 px photo becomes 240 px on a 6000 px one");
    brushSlider_->setToolTip(brushTip);
    brushSpin_ = new QSpinBox(this);
    brushSpin_->setToolTip(brushTip);
    brushSpin_->setRange(1, 1000);
    brushSpin_->setSuffix(tr(" px"));
    bar->addWidget(brushSlider_);
    bar->addWidget(brushSpin_);
    connect(brushSlider_, &QSlider::valueChanged, canvas_, &MaskCanvas::setBrushSize);
    connect(brushSpin_, qOverload<int>(&QSpinBox::valueChanged), canvas_, &MaskCanvas::setBrushSize);
    connect(canvas_, &MaskCanvas::brushSizeChanged, this, [this](int size) {
        if (!rescalingBrush_) brushFraction_ = photo_.empty() ? 0.0 : double(size) / std::max(photo_.cols, photo_.rows);
        const QSignalBlocker a(brushSlider_), b(brushSpin_);
        brushSlider_->setValue(size);
        brushSpin_->setValue(size);
    });
    bar->addAction(randomAction_);
    // Fixed-width Undo / Redo buttons: the menu's actions carry the step's name
    // ("Undo Use result as new image"), which would stretch the toolbar; here it is the tooltip.
    for (const bool undo : {true, false}) {
        QAction* button = bar->addAction(QIcon::fromTheme(undo ? "edit-undo" : "edit-redo"), undo ? tr("Undo") : tr("Redo"), undoStack_,
                                         undo ? &QUndoStack::undo : &QUndoStack::redo);
        button->setEnabled(false);
        connect(undoStack_, undo ? &QUndoStack::canUndoChanged : &QUndoStack::canRedoChanged, button, &QAction::setEnabled);
        connect(undoStack_, undo ? &QUndoStack::undoTextChanged : &QUndoStack::redoTextChanged, button, [button, undo](const QString& step) {
            button->setToolTip((undo ? tr("Undo %1") : tr("Redo %1")).arg(step));
        });
    }

    // Inpainting gets a row of its own, so that at any usual window width the Inpaint
    // button is never pushed into the toolbar's overflow menu.
    addToolBarBreak();
    bar = addToolBar(tr("Inpainting"));
    bar->setObjectName("inpainting");
    methodCombo_ = new QComboBox(this);
    methodCombo_->addItem(tr("PConv model"), int(Method::PConv));
    methodCombo_->addItem(tr("OpenCV Telea"), int(Method::Telea));
    methodCombo_->addItem(tr("OpenCV Navier-Stokes"), int(Method::NavierStokes));
    bar->addWidget(new QLabel(tr(" Method "), this));
    bar->addWidget(methodCombo_);
    modelCombo_ = new QComboBox(this);
    modelCombo_->setMinimumContentsLength(18);
    modelCombo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    bar->addWidget(modelCombo_);
    connect(methodCombo_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        modelCombo_->setEnabled(methodCombo_->currentData().toInt() == int(Method::PConv));
        updateResultTitle();
    });
    connect(modelCombo_, qOverload<int>(&QComboBox::currentIndexChanged), this, &MainWindow::updateResultTitle);
    connect(modelCombo_, qOverload<int>(&QComboBox::activated), this, [this](int index) {
        if (modelCombo_->itemData(index).toString().isEmpty()) chooseModelFile();
    });
    hdCombo_ = new QComboBox(this);
    hdCombo_->addItem(tr("Crop around holes"), int(HdStrategy::Crop));
    hdCombo_->addItem(tr("Resize"), int(HdStrategy::Resize));
    hdCombo_->addItem(tr("Whole image"), int(HdStrategy::Original));
    hdCombo_->setToolTip(tr("Big photos: inpaint each hole region with a margin, a reduced copy, or the whole image"));
    bar->addWidget(hdCombo_);

    inpaintButton_ = new QPushButton(tr("Inpaint"), this);
    inpaintButton_->setToolTip(tr("Fill the holes (Ctrl+Return)"));
    inpaintButton_->setStyleSheet("QPushButton { font-weight: bold; padding: 4px 14px; }");
    cancelButton_ = new QPushButton(tr("Cancel"), this);
    bar->addWidget(inpaintButton_);
    bar->addWidget(cancelButton_);
    bar->addAction(compareAction_);
    connect(inpaintButton_, &QPushButton::clicked, this, &MainWindow::inpaint);
    connect(cancelButton_, &QPushButton::clicked, this, &MainWindow::cancelInpaint);
}

void MainWindow::createDocks() {
    trainingPanel_ = new TrainingPanel(this);
    trainingDock_ = new QDockWidget(tr("Training"), this);
    trainingDock_->setObjectName("training");
    trainingDock_->setWidget(trainingPanel_);
    trainingPanel_->setMinimumWidth(430);
    addDockWidget(Qt::RightDockWidgetArea, trainingDock_);
    trainingDock_->hide();
    QMenu* toolsMenu = nullptr;
    for (QAction* a : menuBar()->actions())
        if (a->menu() && a->text() == tr("&Tools")) toolsMenu = a->menu();
    if (toolsMenu) {
        QAction* toggle = trainingDock_->toggleViewAction();
        toggle->setText(tr("&Training Panel"));
        toggle->setShortcut(QKeySequence("Ctrl+T"));
        toolsMenu->addAction(toggle);
        QAction* startTraining = toolsMenu->addAction(tr("&Start Training"), this, [this] {
            trainingDock_->show();
            trainingPanel_->startTraining();
        });
        startTraining->setShortcut(QKeySequence("Ctrl+Shift+T"));
    }
    connect(trainingPanel_, &TrainingPanel::useModelRequested, this, [this](const QString& path) {
        setModelPath(path);
        setMethod(Method::PConv);
        statusBar()->showMessage(tr("Using the trained model %1").arg(path), 5000);
    });
}

void MainWindow::restoreSettings() {
    QSettings settings;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    if (!settings.contains("window/geometry")) resize(1400, 800);
    canvas_->setBrushSize(settings.value("brush/size", 40).toInt());
    brushSlider_->setValue(canvas_->brushSize());
    brushSpin_->setValue(canvas_->brushSize());
    brushFraction_ = settings.value("brush/fraction", 0.0).toDouble();
    const QColor overlay = settings.value("brush/overlay").value<QColor>();
    if (overlay.isValid()) canvas_->setOverlayColor(overlay);
    jpegQuality_ = settings.value("save/jpegQuality", 95).toInt();
    growPixels_ = settings.value("mask/growPixels", 5).toInt();
    hdCombo_->setCurrentIndex(std::max(0, hdCombo_->findData(settings.value("inpaint/hd", int(HdStrategy::Crop)).toInt())));

    // Models: the shipped default first, then the ones used before.
    const auto shipped = findDefaultModel(QCoreApplication::applicationFilePath().toStdString());
    if (shipped) modelCombo_->addItem(tr("Default model"), QString::fromStdString(*shipped));
    for (const QString& path : settings.value("inpaint/recentModels").toStringList())
        if (QFileInfo::exists(path) && modelCombo_->findData(path) < 0) modelCombo_->addItem(modelLabel(path), path);
    modelCombo_->addItem(tr("Browse…"), QString());
    const QString chosen = settings.value("inpaint/model").toString();
    if (!chosen.isEmpty() && QFileInfo::exists(chosen)) setModelPath(chosen);
    else modelCombo_->setCurrentIndex(0);
    const int method = settings.value("inpaint/method", shipped ? int(Method::PConv) : int(Method::Telea)).toInt();
    setMethod(static_cast<Method>(method));
    rebuildRecentMenu();
}

void MainWindow::saveSettings() const {
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    settings.setValue("brush/size", canvas_->brushSize());
    settings.setValue("brush/fraction", brushFraction_);
    settings.setValue("brush/overlay", canvas_->overlayColor());
    settings.setValue("save/jpegQuality", jpegQuality_);
    settings.setValue("mask/growPixels", growPixels_);
    settings.setValue("inpaint/method", methodCombo_->currentData().toInt());
    settings.setValue("inpaint/model", modelPath());
    settings.setValue("inpaint/hd", hdCombo_->currentData().toInt());
    QStringList models;
    for (int i = 0; i < modelCombo_->count(); ++i) {
        const QString path = modelCombo_->itemData(i).toString();
        if (!path.isEmpty() && modelCombo_->itemText(i) != tr("Default model")) models << path;
    }
    settings.setValue("inpaint/recentModels", models);
}

void MainWindow::setMethod(Method method) {
    methodCombo_->setCurrentIndex(std::max(0, methodCombo_->findData(int(method))));
    modelCombo_->setEnabled(method == Method::PConv);
}

void MainWindow::setModelPath(const QString& path) {
    int index = modelCombo_->findData(path);
    if (index < 0) {
        modelCombo_->insertItem(modelCombo_->count() - 1, modelLabel(path), path);
        index = modelCombo_->findData(path);
    }
    modelCombo_->setCurrentIndex(index);
}

void MainWindow::fitView() {
    QSizeF smallest = canvas_->size();
    for (const QWidget* pane : std::initializer_list<const QWidget*>{maskPane_, resultPane_})
        if (!pane->isHidden()) smallest = smallest.boundedTo(pane->size());
    view_->fit(smallest);
}

QString MainWindow::modelPath() const { return modelCombo_->currentData().toString(); }

void MainWindow::chooseModelFile() {
    QSettings settings;
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose a PConv Model"), settings.value("folders/model").toString(),
                                                      tr("PConv models (*.pconv);;All files (*)"));
    if (path.isEmpty()) {
        modelCombo_->setCurrentIndex(0);
        return;
    }
    try {
        PConvModel::load(path.toStdString());  // check it now, not at the first inpaint
    } catch (const std::exception& e) {
        showError(tr("Cannot use this model"), QString::fromStdString(firstLine(e.what())));
        modelCombo_->setCurrentIndex(0);
        return;
    }
    settings.setValue("folders/model", QFileInfo(path).absolutePath());
    setModelPath(path);
}

bool MainWindow::openImage(const QString& path) {
    Photo photo;
    try {
        photo = readPhoto(path.toStdString());
    } catch (const std::exception& e) {
        showError(tr("Cannot open photo"), QString::fromStdString(firstLine(e.what())));
        return false;
    }
    const QFileInfo file(path);
    setPhoto(photo.image, file.absoluteFilePath(), file.fileName());
    photoMetadata_ = std::move(photo.metadata);  // after setPhoto(), which clears it
    QSettings().setValue("folders/open", file.absolutePath());
    addRecentFile(photoPath_);
    return true;
}

bool MainWindow::pasteImage() {
    const QImage pasted = QGuiApplication::clipboard()->image();
    if (pasted.isNull()) {
        showError(tr("Cannot paste"), tr("The clipboard holds no image."));
        return false;
    }
    if (!confirmDiscard(tr("paste another image"))) return false;
    setPhoto(fromQImage(pasted), QString(), tr("Pasted image"));
    return true;
}

bool MainWindow::copyResult() {
    if (output().empty()) {
        showError(tr("Cannot copy"), tr("There is no result to copy yet."));
        return false;
    }
    QGuiApplication::clipboard()->setImage(toDisplayImage(output()));
    statusBar()->showMessage(tr("Result copied to the clipboard"), 4000);
    return true;
}

void MainWindow::rememberMask() {
    if (photo_.empty() || canvas_->mask().isNull()) return;
    const cv::Mat holes = qImageToMask(canvas_->mask());
    if (cv::countNonZero(holes) > 0) previousMask_ = holes;
}

namespace {
// A mask of another size scaled to cover the photo and centred, never stretched: a circle stays a circle.
cv::Mat maskCovering(const cv::Mat& holes, const cv::Size& photo) {
    if (holes.size() == photo) return holes;
    const double scale = std::max(double(photo.width) / holes.cols, double(photo.height) / holes.rows);
    cv::Mat scaled;
    cv::resize(holes, scaled, {std::max(photo.width, cvRound(holes.cols * scale)), std::max(photo.height, cvRound(holes.rows * scale))}, 0, 0,
               cv::INTER_NEAREST);
    return scaled(cv::Rect((scaled.cols - photo.width) / 2, (scaled.rows - photo.height) / 2, photo.width, photo.height)).clone();
}
} // namespace

bool MainWindow::reusePreviousMask() {
    if (photo_.empty() || previousMask_.empty()) {
        showError(tr("Cannot reuse the mask"), tr("No earlier photo had a mask in this session."));
        return false;
    }
    const cv::Mat holes = maskCovering(previousMask_, photo_.size());
    if (previousMask_.size() != photo_.size()) {
        statusBar()->showMessage(tr("The previous mask was %1x%2: scaled to cover this photo and centred.").arg(previousMask_.cols).arg(previousMask_.rows),
                                 6000);
    }
    canvas_->replaceMask(maskToQImage(holes), tr("Reuse previous mask"));
    return true;
}

void MainWindow::setPhoto(const cv::Mat& image, const QString& path, const QString& title) {
    rememberMask();
    runner_->invalidate();
    photo_ = image;
    photoPath_ = path;
    photoMetadata_ = {};
    result_ = cv::Mat();
    photoEdited_ = false;
    lastSavedResultPath_.clear();
    resultSaved_ = true;
    const QImage display = toDisplayImage(photo_);
    undoStack_->clear();
    // 40 px on a 1000 px photo is 240 px on a 6000 px one. From the fraction the user chose,
    // not from the last size, so rounding and clamping on a tiny image do not carry over.
    const int longSide = std::max(image.cols, image.rows);
    if (brushFraction_ > 0) {
        rescalingBrush_ = true;
        // At most half the short side: on a 8000x300 panorama the long side's share would
        // give a brush taller than the photo.
        const int shortSide = std::min(image.cols, image.rows);
        const int upper = std::max(1, std::min(brushSpin_->maximum(), shortSide / 2));
        canvas_->setBrushSize(std::clamp(int(std::lround(brushFraction_ * longSide)), 1, upper));
        rescalingBrush_ = false;
    } else {
        brushFraction_ = double(canvas_->brushSize()) / longSide;
    }
    canvas_->setPhoto(display);
    maskPane_->setImage(maskToQImage(qImageToMask(canvas_->mask())));
    resultPane_->setImage(QImage());
    resultPane_->setTitle(tr("Result"));
    resultPane_->setToolTip(QString());
    resultPane_->setOriginal(display);
    timeLabel_->clear();  // it timed the last photo's fill
    view_->setImageSize(display.size());
    fitView();
    maskDirty_ = false;
    setWindowTitle(tr("%1[*] — PConv Studio").arg(title));  // [*]: "*" while there is unsaved work
    updateStatus();
    updateActions();
}

const cv::Mat& MainWindow::output() const {
    static const cv::Mat none;
    return !result_.empty() ? result_ : photoEdited_ ? photo_ : none;
}

QString MainWindow::photoBaseName() const { return photoPath_.isEmpty() ? QStringLiteral("pasted") : QFileInfo(photoPath_).completeBaseName(); }

bool MainWindow::importMask(const QString& path) {
    QSize fileSize;
    if (!replaceMaskFromFile(path, tr("Import mask"), &fileSize)) return false;
    QSettings().setValue("folders/mask", QFileInfo(path).absolutePath());
    maskDirty_ = false;  // it is in a file already: nothing to lose by discarding it
    // An all-black file is most often a mask of the other convention (black = hole) or an empty layer.
    if (cv::countNonZero(qImageToMask(canvas_->mask())) == 0)
        statusBar()->showMessage(tr("%1 marks no holes: it is black everywhere, and only non-black pixels are holes")
                                     .arg(QFileInfo(path).fileName()), 10000);
    else if (fileSize != QSize(photo_.cols, photo_.rows))  // a generated mask_000.png, or one made for a smaller copy
        statusBar()->showMessage(tr("%1 is %2x%3: scaled to cover this photo and centred (Undo takes it back)")
                                     .arg(QFileInfo(path).fileName()).arg(fileSize.width()).arg(fileSize.height()),
                                 10000);
    else
        statusBar()->showMessage(tr("Mask imported from %1").arg(QFileInfo(path).fileName()), 4000);
    return true;
}

bool MainWindow::replaceMaskFromFile(const QString& path, const QString& undoText, QSize* fileSize) {
    if (photo_.empty()) return false;
    try {
        const cv::Mat holes = readMask(path.toStdString());
        if (fileSize) *fileSize = QSize(holes.cols, holes.rows);
        canvas_->replaceMask(maskToQImage(maskCovering(holes, photo_.size())), undoText);
        return true;
    } catch (const std::exception& e) {
        showError(tr("Cannot import mask"), QString::fromStdString(firstLine(e.what())));
        return false;
    }
}

void MainWindow::exportMaskAs() {
    QSettings settings;
    // Until a mask has been exported, where results were last saved (else the photo's folder).
    const QVariant firstFolder = settings.value("folders/save", QFileInfo(photoPath_).absolutePath());
    const QString suggested = QDir(settings.value("folders/mask", firstFolder).toString()).filePath(photoBaseName() + "_mask.png");
    QString filter = tr("PNG (*.png)");
    const QString path = withFilterSuffix(QFileDialog::getSaveFileName(this, tr("Export Mask"), suggested, filter, &filter), filter);
    if (!path.isEmpty()) exportMask(path);
}

bool MainWindow::exportMask(const QString& path) {
    if (photo_.empty()) return false;
    try {
        writeImageAtomic(path.toStdString(), qImageToMask(canvas_->mask()));
        maskDirty_ = false;
        setWindowModified(hasUnsavedWork());
        QSettings().setValue("folders/mask", QFileInfo(path).absolutePath());
        statusBar()->showMessage(tr("Mask saved to %1").arg(path), 4000);
        return true;
    } catch (const std::exception& e) {
        showError(tr("Cannot export mask"), QString::fromStdString(firstLine(e.what())));
        return false;
    }
}

bool MainWindow::saveResult(const QString& path, int jpegQuality) {
    if (output().empty()) return false;
    try {
        writeImageAtomic(path.toStdString(), output(), jpegQuality, photoMetadata_);
    } catch (const std::exception& e) {
        showError(tr("Cannot save result"), QString::fromStdString(firstLine(e.what())));
        return false;
    }
    lastSavedResultPath_ = path;
    resultSaved_ = true;
    QSettings().setValue("folders/save", QFileInfo(path).absolutePath());
    statusBar()->showMessage(tr("Saved %1").arg(path), 4000);
    updateActions();
    return true;
}

// A result made before the latest mask edits lacks their fills: saved unasked, the file
// would still show what the user has brushed since.
bool MainWindow::confirmSavingOutOfDateResult() {
    if (result_.empty() || resultIsFromCurrentMask() || qEnvironmentVariableIsSet("PCONV_NO_DIALOGS")) return true;
    return QMessageBox::question(this, tr("Save an out-of-date result?"),
                                 tr("The mask has changed since this result was made, so the result does not fill the latest "
                                    "strokes. Save it anyway? (Cancel, then Inpaint, to save a result of the current mask.)"),
                                 QMessageBox::Save | QMessageBox::Cancel, QMessageBox::Cancel) == QMessageBox::Save;
}

void MainWindow::saveResultAs() {
    if (output().empty() || !confirmSavingOutOfDateResult()) return;
    QSettings settings;
    const QFileInfo original(photoPath_);
    const QString defaultFolder =
        photoPath_.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::PicturesLocation) : original.absolutePath();
    const QString folder = settings.value("folders/save", defaultFolder).toString();
    // The overwrite question is asked here, once: the dialog's own would come on top of the
    // sharper one for the opened photo.
    QString filter;
    const QString path = withFilterSuffix(QFileDialog::getSaveFileName(this, tr("Save Result"), QDir(folder).filePath(photoBaseName() + "_inpainted.png"),
                                                                       tr("PNG (*.png);;JPEG (*.jpg *.jpeg);;WebP (*.webp);;TIFF (*.tif *.tiff)"),
                                                                       &filter, QFileDialog::DontConfirmOverwrite),
                                          filter);
    if (path.isEmpty()) return;
    // Never over the original without asking.
    if (!photoPath_.isEmpty() && QFileInfo(path).absoluteFilePath() == photoPath_) {
        if (QMessageBox::warning(this, tr("Overwrite the original?"),
                                 tr("%1 is the photo you opened. Replace the original with the result?").arg(original.fileName()),
                                 QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes)
            return;
    } else if (QFileInfo::exists(path) &&
               QMessageBox::question(this, tr("Replace the file?"), tr("%1 already exists. Replace it?").arg(QFileInfo(path).fileName()),
                                     QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes) {
        return;
    }
    // Say what the chosen format drops (transparency, 16 bits) while the user can still pick another.
    for (const std::string& loss : formatLosses(output(), path.toStdString()))
        if (QMessageBox::warning(this, tr("Save anyway?"), tr("The result %1.").arg(QString::fromStdString(loss)),
                                 QMessageBox::Save | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Save)
            return;
    if (takesQuality(path.toStdString())) {
        bool ok = false;
        const int quality = QInputDialog::getInt(this, tr("Quality"), tr("Quality (1-100):"), jpegQuality_, 1, 100, 1, &ok);
        if (!ok) return;
        jpegQuality_ = quality;
    }
    saveResult(path, jpegQuality_);
}

void MainWindow::useResultAsImage() {
    if (result_.empty()) return;
    rememberMask();
    // An unsaved result stays unsaved as the edited image: Save writes it, quitting asks first.
    ImageState before{photo_, result_, canvas_->mask(), resultSaved_, photoEdited_, resultMethod_};
    ImageState after{result_, cv::Mat(), QImage(), resultSaved_, true, QString()};
    // Undoable: Ctrl+Z brings back the photo, its mask and the result.
    undoStack_->push(new ImageStateCommand(std::move(before), std::move(after), [this](const ImageState& state) { applyImageState(state); },
                                           tr("Use result as new image")));
}

void MainWindow::applyImageState(const ImageState& state) {
    runner_->invalidate();
    photo_ = state.photo;
    result_ = state.result;
    resultSaved_ = state.resultSaved;
    photoEdited_ = state.photoEdited;
    const QImage display = toDisplayImage(photo_);
    canvas_->setPhoto(display);
    if (!state.mask.isNull()) canvas_->writeMaskRegion(state.mask.rect(), state.mask);
    resultPane_->setImage(result_.empty() ? QImage() : toDisplayImage(result_));
    resultPane_->setTitle(tr("Result"));
    resultPane_->setToolTip(QString());
    resultMask_ = result_.empty() ? QImage() : canvas_->mask();
    resultMethod_ = state.resultMethod;
    if (!result_.empty() && !resultMethod_.isEmpty()) updateResultTitle();  // what it was made with, as before
    resultPane_->setOriginal(display);
    maskDirty_ = !state.mask.isNull();  // a restored mask may not have been exported: ask before discarding it
    updateStatus();
    updateActions();
}

void MainWindow::randomMask() {
    if (photo_.empty()) return;
    QSettings settings;
    MaskGeneratorOptions options;
    options.width = photo_.cols;
    options.height = photo_.rows;
    options.minUnits = settings.value("masks/minUnits", 5).toInt();
    options.maxUnits = std::max(options.minUnits, settings.value("masks/maxUnits", 12).toInt());
    if (settings.value("masks/useRatio", false).toBool())
        options.holeRatio = HoleRatioRange{settings.value("masks/ratioLow", 0.1).toDouble(), settings.value("masks/ratioHigh", 0.2).toDouble()};
    try {
        std::mt19937_64 rng(QRandomGenerator::global()->generate64());
        const auto generated = generateMaskAcrossRange(options, rng);
        canvas_->replaceMask(maskToQImage(generated.holes), tr("Random mask"));
        // Its settings are the Generate Masks dialog's: said, so that a 97% mask is no mystery.
        const QString how = options.holeRatio ? tr("hole ratio %1-%2").arg(options.holeRatio->low).arg(options.holeRatio->high)
                                              : tr("%1-%2 units").arg(options.minUnits).arg(options.maxUnits);
        statusBar()->showMessage(tr("Random mask: %1% holes (%2, as set in Tools > Generate Masks)")
                                     .arg(100.0 * holeRatio(generated.holes), 0, 'f', 1)
                                     .arg(how),
                                 6000);
    } catch (const std::exception& e) {
        showError(tr("Cannot make a random mask"), QString::fromStdString(firstLine(e.what())));
    }
}

HdOptions MainWindow::hdOptions() const {
    HdOptions hd;
    hd.strategy = static_cast<HdStrategy>(hdCombo_->currentData().toInt());
    QSettings settings;
    hd.triggerSize = settings.value("inpaint/hdTrigger", 800).toInt();
    hd.cropMargin = std::max(kMinCropMargin, settings.value("inpaint/hdMargin", 128).toInt());
    hd.resizeLimit = settings.value("inpaint/hdResizeLimit", 1024).toInt();
    return hd;
}

// The PConv self-ensemble: more views, smoother fills, proportionally slower.
void MainWindow::addMirrorViewsMenu(QMenu* toolsMenu) {
    QMenu* menu = toolsMenu->addMenu(tr("PConv &Mirror Views"));
    menu->setToolTipsVisible(true);
    auto* group = new QActionGroup(menu);
    const int current = mirrorViews();
    const std::pair<int, QString> choices[] = {{1, tr("&1: One Pass (Fastest)")},
                                               {2, tr("&2: Add the Left-Right Mirror (Default)")},
                                               {4, tr("&4: Add the Up-Down Mirrors")},
                                               {8, tr("&8: Add the Transposed Copies (Slowest)")}};
    for (const auto& [views, label] : choices) {
        QAction* action = menu->addAction(label);
        action->setCheckable(true);
        action->setChecked(views == current);
        action->setToolTip(tr("The network fills %1 mirrored cop%2 of the photo and averages them").arg(views).arg(views == 1 ? "y" : "ies"));
        group->addAction(action);
        connect(action, &QAction::triggered, this, [views] { QSettings().setValue("inpaint/mirrorViews", views); });
    }
}

// Wide holes: the photo's own texture (patch synthesis) from some depth on, or the network's
// smooth fill. From 8 px by default: a stroke across grass or a removed object came out as a
// smooth smudge with 48 (the CLI's default, which scores the better PSNR; models/README.md).
void MainWindow::addDeepHoleTextureMenu(QMenu* toolsMenu) {
    QMenu* menu = toolsMenu->addMenu(tr("PConv &Texture in Wide Holes"));
    menu->setToolTipsVisible(true);
    auto* group = new QActionGroup(menu);
    const int current = textureFromDepth();
    const std::pair<int, QString> choices[] = {
        {8, tr("In Holes over &8 px Deep (strokes wider than about 16 px and objects)")},
        {48, tr("In Holes over &48 px Deep (only objects over about 100 px)")},
        {0, tr("&Off (the network's smooth fill)")},
    };
    for (const auto& [depth, text] : choices) {
        QAction* action = menu->addAction(text);
        action->setCheckable(true);
        action->setChecked(depth == current);
        action->setToolTip(depth ? tr("Where a hole is more than %1 px from its edge, texture is copied from the photo around it").arg(depth)
                                 : tr("Wide holes keep the network's smooth, blurred fill"));
        group->addAction(action);
        connect(action, &QAction::triggered, this, [this, depth] {
            QSettings().setValue("inpaint/textureFromDepth", depth);
            updateResultTitle();
        });
    }
}

int MainWindow::textureFromDepth() const {
    QSettings settings;
    // The setting before this one was on or off: off still means off.
    if (!settings.contains("inpaint/textureFromDepth") && !settings.value("inpaint/deepHoleTexture", true).toBool()) return 0;
    const int depth = settings.value("inpaint/textureFromDepth", 8).toInt();
    return depth == 0 || depth == 48 ? depth : 8;
}

int MainWindow::mirrorViews() const {
    const int views = QSettings().value("inpaint/mirrorViews", 2).toInt();
    return isMirrorViewCount(views) ? views : 2;
}

void MainWindow::editHdSettings() {
    QSettings settings;
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Big-Photo Settings"));
    auto* trigger = new QSpinBox(&dialog);
    trigger->setRange(0, 100000);
    trigger->setSuffix(tr(" px"));
    trigger->setValue(settings.value("inpaint/hdTrigger", 800).toInt());
    auto* margin = new QSpinBox(&dialog);
    margin->setRange(kMinCropMargin, 10000);
    margin->setSuffix(tr(" px"));
    margin->setValue(settings.value("inpaint/hdMargin", 128).toInt());
    auto* limit = new QSpinBox(&dialog);
    limit->setRange(16, 100000);
    limit->setSuffix(tr(" px"));
    limit->setValue(settings.value("inpaint/hdResizeLimit", 1024).toInt());
    auto* form = new QFormLayout(&dialog);
    form->addRow(new QLabel(tr("Photos whose long side exceeds the trigger are inpainted with the strategy chosen in the toolbar."), &dialog));
    form->addRow(tr("Trigger (long side):"), trigger);
    form->addRow(tr("Crop: margin around each hole region:"), margin);
    form->addRow(tr("Resize: work at this long side:"), limit);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted) return;
    settings.setValue("inpaint/hdTrigger", trigger->value());
    settings.setValue("inpaint/hdMargin", margin->value());
    settings.setValue("inpaint/hdResizeLimit", limit->value());
}

void MainWindow::inpaint() {
    if (photo_.empty()) {
        statusBar()->showMessage(tr("Open a photo first."), 4000);
        return;
    }
    const cv::Mat holes = qImageToMask(canvas_->mask());
    if (cv::countNonZero(holes) == 0) {
        statusBar()->showMessage(tr("Paint the parts to remove first (or press R for a random mask)."), 5000);
        return;
    }
    if (cv::countNonZero(holes) == static_cast<int>(holes.total())) {
        showError(tr("Nothing to fill from"), tr("The mask covers the whole photo, so no pixel is left to fill the holes from. "
                                                 "Edit > Invert Mask if white and black are the wrong way round."));
        return;
    }
    InpaintJob job;
    job.image = photo_;
    job.holes = holes;
    job.method = static_cast<Method>(methodCombo_->currentData().toInt());
    job.modelPath = modelPath();
    job.hd = hdOptions();
    job.mirrorViews = mirrorViews();
    const int textureDepth = textureFromDepth();
    job.deepHoleTexture = textureDepth > 0;
    if (textureDepth > 0) job.deepHolesFrom = textureDepth;
    if (job.method == Method::PConv && job.modelPath.isEmpty()) {
        showError(tr("No model"), tr("No PConv model is chosen. Pick one in the model list, or use Telea or Navier-Stokes."));
        return;
    }
    runner_->start(job);
    jobMask_ = canvas_->mask();
    jobMethod_ = currentMethodText();
    statusBar()->showMessage(tr("Inpainting…"));
}

void MainWindow::cancelInpaint() {
    if (!runner_->isBusy()) return;
    runner_->cancel();
    statusBar()->showMessage(tr("Cancelling…"));
}

void MainWindow::onResult(const cv::Mat& result, double seconds) {
    result_ = result;
    resultMask_ = jobMask_;  // a result of an older job never arrives: the runner drops it
    resultMethod_ = jobMethod_;
    resultPane_->setImage(toDisplayImage(result_));
    resultSaved_ = false;
    timeLabel_->setText(tr("last inpaint %1 s (%2)").arg(seconds, 0, 'f', 2).arg(resultMethod_));
    updateResultTitle();
    // Near-total holes leave a blur: say why, and the usual cause (a mask of the other convention).
    const cv::Mat holes = qImageToMask(resultMask_);
    const double holeShare = holes.empty() ? 0.0 : double(cv::countNonZero(holes)) / double(holes.total());
    if (holeShare > 0.9)
        statusBar()->showMessage(tr("Done in %1 s. The holes cover %2 % of the photo: with so little to go on the fill can only be a rough "
                                    "guess (Edit > Invert Mask if white and black are the wrong way round).")
                                     .arg(seconds, 0, 'f', 2)
                                     .arg(qRound(holeShare * 100)),
                                 15000);
    else
        statusBar()->showMessage(tr("Done in %1 s.").arg(seconds, 0, 'f', 2), 4000);
    updateActions();
}

void MainWindow::onMaskChanged() {
    runner_->invalidate();
    maskDirty_ = true;
    updateResultTitle();
    autosaveTimer_->start();
    maskPane_->setImage(canvas_->mask());
    updateStatus();
}

// The method (and model) as the toolbar shows it: what a result was made with.
QString MainWindow::currentMethodText() const {
    const bool pconv = methodCombo_->currentData().toInt() == int(Method::PConv);
    if (!pconv) return methodCombo_->currentText();
    // The texture setting changes wide holes' fills: a result says which one made it.
    const int texture = textureFromDepth();
    return methodCombo_->currentText() + " · " + modelCombo_->currentText() + " · " +
           (texture ? tr("texture from %1 px").arg(texture) : tr("no texture"));
}

// The result shown was made from another mask, or with another method than the toolbar's
// now: said, or it passes for what Inpaint would give. (Undo and redo can bring its mask back.)
void MainWindow::updateResultTitle() {
    if (result_.empty()) return;
    // The title is short enough for a third of the window; the tooltip has the whole story.
    resultPane_->setToolTip(tr("Made with %1").arg(resultMethod_));
    if (!resultIsFromCurrentMask()) resultPane_->setTitle(tr("Result — out of date: the mask changed, Inpaint again"));
    else if (currentMethodText() != resultMethod_) {
        resultPane_->setTitle(tr("Result — made with %1; Inpaint again").arg(resultMethod_));
        resultPane_->setToolTip(tr("Made with %1; the toolbar now says %2: Inpaint again for that").arg(resultMethod_, currentMethodText()));
    } else resultPane_->setTitle(tr("Result — %1").arg(resultMethod_));
}

void MainWindow::updateStatus() {
    if (photo_.empty()) {
        sizeLabel_->setText(tr("No photo"));
        ratioLabel_->clear();
        return;
    }
    sizeLabel_->setText(tr("%1 × %2 px").arg(photo_.cols).arg(photo_.rows));
    const QImage& mask = canvas_->mask();
    const double ratio = mask.isNull() ? 0.0 : holeRatio(qImageToMask(mask));
    ratioLabel_->setText(tr("holes %1%").arg(100.0 * ratio, 0, 'f', 1));
    setWindowModified(hasUnsavedWork());
}

void MainWindow::updateActions() {
    const bool hasPhoto = !photo_.empty(), hasResult = !output().empty(), busy = runner_->isBusy();
    for (QAction* a : {importMaskAction_, exportMaskAction_, clearAction_, invertAction_, growAction_, shrinkAction_, randomAction_})
        a->setEnabled(hasPhoto);
    for (QAction* a : {saveAction_, saveAsAction_, copyResultAction_}) a->setEnabled(hasResult);
    useResultAction_->setEnabled(!result_.empty());
    reuseMaskAction_->setEnabled(hasPhoto && !previousMask_.empty());
    inpaintButton_->setEnabled(hasPhoto && !busy);
    cancelButton_->setEnabled(busy);
    cancelAction_->setEnabled(busy);
    // Compare needs a result to show the original beside.
    compareAction_->setEnabled(!result_.empty());
    if (result_.empty()) compareAction_->setChecked(false);
    setWindowModified(hasUnsavedWork());
}

void MainWindow::addRecentFile(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value("recentFiles").toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent) recent.removeLast();
    settings.setValue("recentFiles", recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList recent = QSettings().value("recentFiles").toStringList();
    for (const QString& path : recent) {
        // The folder too: photos of one name from two cameras' folders are told apart.
        const QFileInfo info(path);
        recentMenu_->addAction(tr("%1  (%2)").arg(info.fileName(), QDir::toNativeSeparators(info.absolutePath())), this, [this, path] {
            if (!QFileInfo::exists(path)) {  // moved or deleted since: said once, then gone from the list
                QSettings settings;
                QStringList kept = settings.value("recentFiles").toStringList();
                kept.removeAll(path);
                settings.setValue("recentFiles", kept);
                // Later: this action is the one the rebuild would delete.
                QMetaObject::invokeMethod(this, &MainWindow::rebuildRecentMenu, Qt::QueuedConnection);
                showError(tr("Cannot open photo"), tr("%1: no such file (removed from Open Recent)").arg(path));
                return;
            }
            if (confirmDiscard(tr("open another photo"))) openImage(path);
        })->setToolTip(path);
    }
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::zoomKeepingCursor(double zoom, const QPoint& globalCursor) {
    // An audit found Ctrl+1 from Fit throwing the spot being worked on off-screen.
    for (ImagePane* pane : std::initializer_list<ImagePane*>{canvas_, maskPane_, resultPane_}) {
        const QPointF at = pane->mapFromGlobal(QPointF(globalCursor));
        if (!pane->isVisible() || !pane->rect().contains(at.toPoint())) continue;
        pane->zoomAt(zoom / view_->zoom(), at);
        return;
    }
    view_->setZoom(zoom);
}

bool MainWindow::hasUnsavedResult() const { return !output().empty() && !resultSaved_; }

bool MainWindow::resultIsFromCurrentMask() const { return canvas_->mask() == resultMask_; }

bool MainWindow::hasUnexportedMask() const {
    if (!maskDirty_ || canvas_->mask().isNull()) return false;  // before the image comparisons below
    // A saved result made from this very mask is what the mask was for: asking about it
    // after Save would only get in the way (an audit found the question a surprise).
    if (!result_.empty() && resultSaved_ && resultIsFromCurrentMask()) return false;
    return holeRatio(qImageToMask(canvas_->mask())) > 0;
}

bool MainWindow::hasUnsavedWork() const { return hasUnsavedResult() || hasUnexportedMask(); }

// A result and a mask that are both unsaved are named in one question, so Discard never
// drops one unmentioned. Saving one of them asks again about the other.
bool MainWindow::confirmDiscard(const QString& what) {
    if (qEnvironmentVariableIsSet("PCONV_NO_DIALOGS")) return true;  // headless automation: nobody to ask
    while (hasUnsavedWork()) {
        const bool unsavedResult = hasUnsavedResult(), unexportedMask = hasUnexportedMask();
        const QString text = unsavedResult && unexportedMask ? tr("The result has not been saved and the mask has not been exported.")
                             : unsavedResult                ? tr("The result has not been saved.")
                                                            : tr("The mask has not been exported.");
        QMessageBox box(QMessageBox::Warning, tr("Unsaved work"),
                        text + " " + (unsavedResult && unexportedMask ? tr("Discard both to %1?") : tr("Discard it to %1?")).arg(what),
                        QMessageBox::Discard | QMessageBox::Cancel, this);
        QAbstractButton* saveResultButton = unsavedResult ? box.addButton(tr("Save Result…"), QMessageBox::AcceptRole) : nullptr;
        QAbstractButton* exportMaskButton = unexportedMask ? box.addButton(tr("Export Mask…"), QMessageBox::AcceptRole) : nullptr;
        box.setDefaultButton(QMessageBox::Cancel);
        box.exec();
        if (box.clickedButton() == box.button(QMessageBox::Discard)) return true;
        if (box.clickedButton() == saveResultButton) {
            saveResultAs();
            if (!resultSaved_) return false;  // a cancelled save dialog cancels what was asked
        } else if (box.clickedButton() == exportMaskButton) {
            exportMaskAs();
            if (maskDirty_) return false;
        } else {
            return false;
        }
    }
    return true;
}

void MainWindow::showError(const QString& title, const QString& message) {
    statusBar()->showMessage(message, 8000);
    if (qEnvironmentVariableIsSet("PCONV_NO_DIALOGS")) return;  // headless tests read the status bar
    // Core's messages continue a sentence ("a 4096x4096 image needs ..."); a dialog starts one.
    QString sentence = message;
    if (!sentence.isEmpty() && sentence[0].isLower()) sentence[0] = sentence[0].toUpper();
    QMessageBox::warning(this, title, sentence);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!confirmDiscard(tr("quit"))) {
        event->ignore();
        return;
    }
    // A training run may be hours in: quitting stops it (with a checkpoint), so ask first.
    if (trainingPanel_->runner()->isRunning() && !qEnvironmentVariableIsSet("PCONV_NO_DIALOGS") &&
        QMessageBox::question(this, tr("Stop training?"),
                              tr("A training run is in progress. Quitting stops it and saves a checkpoint in its output folder "
                                 "(tick Resume in the Training panel to continue it later). Quit now?"),
                              QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes) {
        event->ignore();
        return;
    }
    if (trainingPanel_->runner()->isRunning()) trainingPanel_->runner()->stop();
    saveSettings();
    clearAutosave();
    event->accept();
}

QString MainWindow::autosaveFolder() { return MaskAutosave::rootFolder(); }

QString MainWindow::autosavedMaskPath() const { return autosave_->maskPath(); }

void MainWindow::autosaveMaskNow() {
    autosaveTimer_->stop();
    if (photo_.empty() || photoPath_.isEmpty()) return;
    const cv::Mat holes = qImageToMask(canvas_->mask());
    if (cv::countNonZero(holes) == 0) {
        clearAutosave();
        return;
    }
    autosave_->save(holes, photoPath_);  // a safety net: a failure must not disturb editing
}

void MainWindow::clearAutosave() { autosave_->clear(); }

bool MainWindow::recoverAutosavedMask(bool askUser, const QString& forPhoto) {
    // Headless automation cannot answer: leave the mask for the next interactive start.
    if (askUser && qEnvironmentVariableIsSet("PCONV_NO_DIALOGS")) return false;
    const auto orphan = autosave_->findOrphan(forPhoto);
    if (!orphan) return false;
    if (!QFile::exists(orphan->photoPath)) {
        MaskAutosave::discard(*orphan);
        return false;
    }
    if (askUser && QMessageBox::question(this, tr("Recover mask"),
                                         tr("PConv Studio did not close properly while you were painting on %1. Recover that mask?")
                                             .arg(QFileInfo(orphan->photoPath).fileName())) != QMessageBox::Yes) {
        MaskAutosave::discard(*orphan);
        return false;
    }
    // Not importMask(): the recovered mask is in no file of the user's (ask before discarding
    // it), and the autosave folder is not where the user keeps masks.
    const bool ok = openImage(orphan->photoPath) && replaceMaskFromFile(orphan->maskPath, tr("Recover mask"));
    if (ok) {
        MaskAutosave::discard(*orphan);
        statusBar()->showMessage(tr("Recovered the mask for %1.").arg(QFileInfo(orphan->photoPath).fileName()), 6000);
    }
    return ok;
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls() || event->mimeData()->hasImage()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QMimeData* data = event->mimeData();
    const auto urls = data->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile()) {
        if (confirmDiscard(tr("open another photo"))) openImage(urls.first().toLocalFile());
    } else if (data->hasImage()) {  // an image dragged from a browser or another editor
        const QImage dropped = qvariant_cast<QImage>(data->imageData());
        if (dropped.isNull() || !confirmDiscard(tr("open another image"))) return;
        setPhoto(fromQImage(dropped), QString(), tr("Dropped image"));
    } else {
        return;
    }
    event->acceptProposedAction();
}

} // namespace pconv::ui
