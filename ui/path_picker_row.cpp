#include "path_picker_row.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace pconv::ui {

QWidget* pathPickerRow(QLineEdit* edit, QWidget* parent, PathKind kind, const QString& caption, const QString& filter) {
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* browse = new QPushButton(QObject::tr("…"), row);
    browse->setFixedWidth(32);
    browse->setToolTip(caption);
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    QObject::connect(browse, &QPushButton::clicked, row, [=] {
        const QString path = kind == PathKind::Folder ? QFileDialog::getExistingDirectory(row, caption, edit->text())
                                                      : QFileDialog::getOpenFileName(row, caption, edit->text(), filter);
        if (!path.isEmpty()) edit->setText(path);
    });
    return row;
}

} // namespace pconv::ui
