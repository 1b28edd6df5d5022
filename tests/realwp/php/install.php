<?php
/**
 * Installs WordPress into the empty private database the way the web installer does,
 * then sets what the site owner would set: address, language, time zone, permalinks.
 */
require __DIR__ . '/bootstrap.php';
define('WP_INSTALLING', true);
require $docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/translation-install.php';

if (is_blog_installed()) {
    fwrite(STDERR, "WordPress is already installed in this database\n");
    exit(1);
}
$result = wp_install('BESÖK', 'besokadmin', 'webmaster@projektbesok.se', true, '', 'realwp-test-only-admin', 'sv_SE');

update_option('home', 'http://projektbesok.se');
update_option('siteurl', 'http://projektbesok.se');
update_option('WPLANG', 'sv_SE');
update_option('timezone_string', 'Europe/Stockholm');
update_option('gmt_offset', '');
update_option('start_of_week', 1);
update_option('blogdescription', 'Bibliotekspersonal i E-län Samverkar för Ökad Kompetens');
update_option('posts_per_page', 10);
update_option('thread_comments', 1);
update_option('thread_comments_depth', 5);
update_option('page_comments', 0);
update_option('comment_registration', 0);
update_option('uploads_use_yearmonth_folders', 1);
update_option('permalink_structure', '/%year%/%monthnum%/%day%/%postname%/');

foreach (get_posts(['post_type' => ['post', 'page'], 'post_status' => 'any', 'numberposts' => -1]) as $default) {
    wp_delete_post($default->ID, true);
}
echo "installed WordPress ", get_bloginfo('version'), " as ", get_option('home'), "\n";
