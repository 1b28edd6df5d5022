<?php
/**
 * Activates a bundled theme as a site owner would (Appearance → Themes) and puts the site's
 * menu in the classic theme's primary location. Usage: php switch_theme.php THEME
 */
require __DIR__ . '/bootstrap.php';
require $docroot . '/wp-load.php';

$theme = $argv[1] ?? '';
if (!wp_get_theme($theme)->exists()) {
    fwrite(STDERR, "no such theme: $theme\n");
    exit(2);
}
if (get_stylesheet() !== $theme) {
    switch_theme($theme);
}
$menu = wp_get_nav_menu_object('Huvudmeny');
if ($menu && !wp_get_theme($theme)->is_block_theme()) {
    set_theme_mod('nav_menu_locations', ['primary' => $menu->term_id]);
}
echo get_stylesheet(), "\n";
