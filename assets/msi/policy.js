/*
 * myApps Desktop MSI: writes and removes the machine policy file
 * %ProgramData%\myapps-desktop\policy.json (policy.wxs beside this file says when and why).
 *
 * Windows Installer runs this as a JScript custom action (JScriptCall="writePolicy" /
 * "removePolicy", deferred, as SYSTEM): ECMAScript 3 only — no JSON, let/const, arrow
 * functions, trim or Array#indexOf — with the installer's `Session` and `ActiveXObject`.
 * test/unit/electron-builder-config.test.ts parses it as ECMAScript 3 and runs it against
 * stand-ins for both.
 */
/* global Session, ActiveXObject */
/* eslint-disable @typescript-eslint/no-unused-vars -- writePolicy and removePolicy are called by
   Windows Installer, by name; log's `text` is read by eval; ES3 needs a catch parameter. */

/** The only files this script writes, and so the only ones it replaces or removes. */
var MSI_POLICY = /^\{(?:"defaults":\{"pbx":"([^"\\]*)"\},)?"enforced":\{"updates":false\}\}\s*$/;
/** What a PBX address (host, host:port, or http(s)/ws(s) URL) is made of; nothing JSON must escape. */
// eslint-disable-next-line no-useless-escape -- in ES3 a "/" ends a regular expression even inside [ ]
var PBX_CHARACTERS = /^[A-Za-z0-9._~:%\/[\]-]+$/;
var PBX_MAX_LENGTH = 1024;

/** The policy file's text for a PBX address ("" for none). */
function policyText(pbx) {
  return (pbx === "" ? "{" : '{"defaults":{"pbx":"' + pbx + '"},') + '"enforced":{"updates":false}}\r\n';
}

/**
 * What to write, given the file's current text (null: there is none) and PBX as given on the
 * command line: the new text, or null to leave the file alone (a policy file IT wrote).
 * Throws if PBX is not an address.
 */
function plannedPolicy(current, pbxProperty) {
  var pbx = String(pbxProperty).replace(/^\s+|\s+$/g, "");
  if (pbx.length > PBX_MAX_LENGTH || (pbx !== "" && !PBX_CHARACTERS.test(pbx))) {
    throw new Error("PBX=" + pbxProperty + " is not a PBX address: use a host name (pbx.example.com), host:port or an https:// URL");
  }
  if (current === null) return policyText(pbx);
  var own = MSI_POLICY.exec(current);
  if (own === null) return null;
  return policyText(pbx !== "" ? pbx : own[1] || "");
}

/** The policy file below CommonAppDataFolder (which ends in a backslash). */
function policyFolder(commonAppData) {
  var base = String(commonAppData);
  if (base === "") throw new Error("CommonAppDataFolder is not set");
  return base.replace(/\\+$/, "") + "\\myapps-desktop";
}

function readText(fso, file) {
  var stream = fso.OpenTextFile(file, 1, false, 0);
  try {
    return stream.AtEndOfStream ? "" : String(stream.ReadAll());
  } finally {
    stream.Close();
  }
}

/** Writes `text` beside `file`, then moves it over `file`: a reader never sees half a file. */
function replaceText(fso, file, text) {
  var next = file + ".msi-new";
  var stream = fso.CreateTextFile(next, true, false);
  try {
    stream.Write(text);
  } finally {
    stream.Close();
  }
  if (fso.FileExists(file)) fso.DeleteFile(file, true);
  fso.MoveFile(next, file);
}

/** A line in the installer's log (msiexec /l*v). */
function log(text) {
  try {
    var record = Session.Installer.CreateRecord(0);
    // JScript sets a parameterised property by assigning to the call, which is not
    // ECMAScript syntax (nor parseable by the tests' ES3 parser): hence eval of this constant.
    eval("record.StringData(0) = text");
    Session.Message(0x04000000, record); // INSTALLMESSAGE_INFO
  } catch (e) {
    // no log then
  }
}

/** CustomActionData "<CommonAppDataFolder>|<PBX>". Returns 1 (success); throws on failure. */
function writePolicy() {
  var data = String(Session.Property("CustomActionData"));
  var bar = data.indexOf("|");
  if (bar < 0) throw new Error("myApps Desktop policy: CustomActionData is not <folder>|<PBX>");
  var folder = policyFolder(data.substring(0, bar));
  var file = folder + "\\policy.json";
  var fso = new ActiveXObject("Scripting.FileSystemObject");
  var current = fso.FileExists(file) ? readText(fso, file) : null;
  var text;
  try {
    text = plannedPolicy(current, data.substring(bar + 1));
  } catch (e) {
    log("myApps Desktop: " + e.message);
    throw e;
  }
  if (text === null) {
    log("myApps Desktop: " + file + " was not written by this installer and is left as it is (PBX not applied)");
    return 1;
  }
  if (!fso.FolderExists(folder)) fso.CreateFolder(folder);
  replaceText(fso, file, text);
  log("myApps Desktop: wrote " + file);
  return 1;
}

/** CustomActionData "<CommonAppDataFolder>". Removes the file only if this installer wrote it. Always returns 1. */
function removePolicy() {
  try {
    var file = policyFolder(Session.Property("CustomActionData")) + "\\policy.json";
    var fso = new ActiveXObject("Scripting.FileSystemObject");
    if (!fso.FileExists(file)) return 1;
    if (MSI_POLICY.test(readText(fso, file))) {
      fso.DeleteFile(file, true);
      log("myApps Desktop: removed " + file);
    } else {
      log("myApps Desktop: " + file + " was not written by this installer and is left as it is");
    }
  } catch (e) {
    log("myApps Desktop: could not remove the policy file: " + e.message);
  }
  return 1;
}
