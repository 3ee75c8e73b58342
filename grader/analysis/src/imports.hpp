#pragma once
// import_table: what the names of one file stand for, read from its imports, so that rules can
// match the call a name makes however it was imported.
//
//   Rust        use std::thread;  use std::thread::sleep as nap;  use std::fs::{self, File};
//               use std::fs::*;
//   C++         using std::this_thread::sleep_for;  using namespace std;  namespace tt =
//   std::this_thread; Python      import time as t;  from time import sleep;  from os import *
//   JavaScript  import fs from 'fs';  import { readFileSync } from 'node:fs';
//               const { readFileSync: read } = require('fs');
//
// The table is file-wide: a `use` inside a function is taken to hold everywhere in the file.

#include "analysis/language.hpp"
#include "syntax_tree.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tg::analysis::detail {

/// "::" for Rust and C++, "." for Python and JavaScript.
std::string_view path_separator(language lang);

/// A callee as written, reduced to a path: whitespace, generic/template arguments and argument
/// lists' contents removed ("Vec::<u8>::new" -> "Vec::new"), a leading "::" dropped, and
/// JavaScript's require('m') read as the module m.
std::string normalise_path(language lang, std::string_view written);

/// The last segment of a path: "sleep" of "std::thread::sleep", "get" of "client->get".
std::string_view last_segment(std::string_view path);

/// The names one file binds through its imports.
class import_table {
  public:
    /// Reads every import of the file (anywhere in it).
    static import_table read(const syntax_tree& tree);

    /// The full paths a callee as written may stand for, most likely first. A first segment
    /// bound by an import is replaced by what it stands for; an unbound one also yields a
    /// candidate under each glob import ("sleep_for" -> "std::this_thread::sleep_for" after
    /// `using namespace std::this_thread;`).
    std::vector<std::string> resolve(std::string_view written) const;

  private:
    void bind(std::string name, std::string path);
    void read_rust_use(const syntax_tree& tree, node_id use);
    void read_cpp_using(const syntax_tree& tree, node_id id);
    void read_python_import(const syntax_tree& tree, node_id id);
    void read_javascript_import(const syntax_tree& tree, node_id id);
    void read_javascript_require(const syntax_tree& tree, node_id declarator);

    language lang_ = language::rust;
    std::unordered_map<std::string, std::string> aliases_;
    std::vector<std::string> globs_;
};

} // namespace tg::analysis::detail
