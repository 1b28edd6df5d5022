<?php
/**
 * Loads WordPress for a command-line script as if a visitor asked for the home page of
 * projektbesok.se, so URLs, locale and time zone come out as the site shows them.
 */
$docroot = getenv('REALWP_DOCROOT');
if (!$docroot || !is_file($docroot . '/wp-config.php')) {
    fwrite(STDERR, "REALWP_DOCROOT must name the WordPress copy (with its wp-config.php)\n");
    exit(2);
}
$_SERVER['HTTP_HOST'] = 'projektbesok.se';
$_SERVER['SERVER_NAME'] = 'projektbesok.se';
$_SERVER['SERVER_PORT'] = '80';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REMOTE_ADDR'] = '127.0.0.1';
