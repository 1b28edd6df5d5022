<?php
/**
 * Plugin Name: Offline test site
 * Description: The test machine has no network; every outgoing HTTP request fails at once
 * instead of waiting for a time-out (update checks, oEmbed discovery, cron spawns).
 */
add_filter(
    'pre_http_request',
    static function () {
        return new WP_Error('http_request_blocked', 'This test site is offline: outgoing HTTP is disabled.');
    },
    0
);
add_filter('wp_is_using_https', '__return_false');
