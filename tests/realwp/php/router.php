<?php
/**
 * Router for PHP's built-in server: what Apache's mod_rewrite does for WordPress.
 * Existing files are served as they are; every other path goes to index.php,
 * so pretty permalinks resolve.
 */
$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');
$file = realpath($_SERVER['DOCUMENT_ROOT'] . $path);
$root = realpath($_SERVER['DOCUMENT_ROOT']);

if ($file !== false && str_starts_with($file, $root)) {
    if (is_file($file)) {
        return false;
    }
    if (is_dir($file) && is_file($file . '/index.php')) {
        return false;
    }
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $root . '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
require $root . '/index.php';
