#pragma once
// A line edit for a path with a browse button beside it that opens a file or folder
// dialog starting at the path typed in; shared by the dialogs and panels that ask for
// folders and files.
#include <QString>

class QLineEdit;
class QWidget;

namespace pconv::ui {

enum class PathKind { Folder, File };

// Returns the row widget (owned by parent) holding edit and its browse button. filter
// applies to files only ("PConv models (*.pconv)").
QWidget* pathPickerRow(QLineEdit* edit, QWidget* parent, PathKind kind, const QString& caption, const QString& filter = {});

} // namespace pconv::ui
