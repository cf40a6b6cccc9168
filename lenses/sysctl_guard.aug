(*
Module: Sysctl_Guard
  sysctl.d(5) syntax exactly as systemd-sysctl and procps read it.

  Every line of a file becomes exactly one node, in order, so the position
  of a node among its siblings is the file's 1-based line number:
  - a blank line          -> an unlabelled node
  - a comment (# or ;)    -> "#comment" = the whole comment text, marker included
  - key = value           -> seq node { ignore_failure? key value? }
  - -key (no "=")         -> seq node { exclude key }   (glob exclusion)
  - anything else         -> "#invalid" = the raw line (systemd warns, ignores)

  Semantics (systemd src/sysctl/sysctl.c parse_line, procps sysctl.c):
  - whole-line comments only: "k = 1 # x" has the value "1 # x";
  - key and value are trimmed of " \t\r" at both ends, inner blanks stay;
  - a leading "-" marks "ignore failure", blanks after it are skipped;
  - the key is stored verbatim (dot or slash form, globs included): the
    loader normalises it, the lens never rejects a key for its characters;
  - CRLF line ends are accepted (the "\r" is trailing blank).

  A last line without "\n" cannot be told apart from one with it once it
  is a tree (the put direction would be ambiguous), so the lens requires
  the "\n" and the loader (plugin/core/parse.c) appends it before parsing
  and strips it again before saving.

  The key and the value are stored as node values, never as labels, so
  keys holding "*", "[", "/" or ":" need no escaping in path expressions.
*)
module Sysctl_Guard =

(* Group: regular expressions, each describing a line without its "\n" *)

let sp       = /[ \t\r]*/
(* A key: no "=", no line end, no blanks at either end *)
let key_re      = /[^ \t\r\n=]([^=\n]*[^ \t\r\n=])?/
(* Without a "-" flag a key cannot start with "-" or a comment marker *)
let key_bare_re = key_re - /[-#;][^\n]*/
let value_re    = /[^ \t\r\n]([^\n]*[^ \t\r\n])?/

let blank_re   = sp
let comment_re = sp . /[#;][^\n]*/
let entry_re   = sp . (/-/ . sp . key_re | key_bare_re) . sp . /=/
               . (sp . value_re)? . sp
let exclude_re = sp . /-/ . sp . key_re . sp
let invalid_re = /[^\n]*/ - (blank_re | comment_re | entry_re | exclude_re)

(* Group: lenses for one line, each ending with its "\n" *)

let indent = del sp ""
let flag (name:string) = [ label name . del (/-/ . sp) "-" ]
let key_any  = [ label "key" . store key_re ]
let key_bare = [ label "key" . store key_bare_re ]
let value    = [ label "value" . store value_re ]
let assign   = del (sp . /=/) " =" . (del sp " " . value)?

(* [eol] ends a line that carries a key: trailing blanks, then "\n" *)
let eol      = del /[ \t\r]*\n/ "\n"

(* An assignment, or a "-key" glob exclusion: one lens, because a union of
   two "seq" subtrees cannot be told apart when the tree is put back *)
let entry =
  [ seq "entry" . indent
    . ( flag "ignore_failure" . key_any . assign
      | key_bare . assign
      | flag "exclude" . key_any )
    . eol ]
let nl      = del "\n" "\n"
let comment = [ label "#comment" . indent . store /[#;][^\n]*/ . nl ]
let invalid = [ label "#invalid" . store invalid_re . nl ]
let blank   = [ del /[ \t\r]*\n/ "\n" ]

(* View: line
   Exactly one node per line, whatever the line holds *)
let line = blank | comment | entry | invalid

(* View: lns *)
let lns = line*

let filter = incl "/etc/sysctl.conf"
           . incl "/etc/sysctl.d/*.conf"
           . incl "/run/sysctl.d/*.conf"
           . incl "/usr/local/lib/sysctl.d/*.conf"
           . incl "/usr/lib/sysctl.d/*.conf"
           . incl "/lib/sysctl.d/*.conf"

let xfm = transform lns filter
