<?php
/**
 * The ground truth, as WordPress itself computes it for an anonymous visitor: every published
 * post with the values a reader sees (permalink, rendered title, dates with the site's offset,
 * author, terms, approved comments, attachments) and the adjacent posts WordPress links to.
 * Tests compare the corpus with this; the product never reads it. Prints JSON on stdout.
 */
require __DIR__ . '/bootstrap.php';
require $docroot . '/wp-load.php';
wp_set_current_user(0);

function text(string $html): string
{
    $html = preg_replace('@<(script|style)[^>]*?>.*?</\\1>@si', ' ', $html);
    $html = preg_replace('/<[^>]*>/', ' ', $html);
    return trim(preg_replace('/\s+/u', ' ', html_entity_decode($html, ENT_QUOTES | ENT_HTML5, 'UTF-8')));
}

function terms(int $id, string $taxonomy): array
{
    $out = [];
    foreach (get_the_terms($id, $taxonomy) ?: [] as $term) {
        $out[] = ['name' => html_entity_decode($term->name, ENT_QUOTES, 'UTF-8'), 'slug' => urldecode($term->slug), 'url' => get_term_link($term)];
    }
    usort($out, fn($a, $b) => strcmp($a['slug'], $b['slug']));
    return $out;
}

function attachments(int $id): array
{
    $out = [];
    foreach (get_children(['post_parent' => $id, 'post_type' => 'attachment', 'orderby' => 'ID', 'order' => 'ASC']) as $a) {
        $sizes = [];
        foreach ((wp_get_attachment_metadata($a->ID)['sizes'] ?? []) as $name => $size) {
            $sizes[$name] = wp_get_attachment_image_src($a->ID, $name)[0];
        }
        ksort($sizes);
        $out[] = [
            'id' => $a->ID,
            'url' => wp_get_attachment_url($a->ID),
            'mime' => $a->post_mime_type,
            'title' => $a->post_title,
            'caption' => $a->post_excerpt,
            'attachment_page' => get_attachment_link($a->ID),
            'sizes' => (object) $sizes,
        ];
    }
    return $out;
}

function comments(int $id): array
{
    $out = [];
    foreach (get_comments(['post_id' => $id, 'status' => 'approve', 'orderby' => ['comment_date_gmt', 'comment_ID'], 'order' => 'ASC']) as $c) {
        $out[] = [
            'id' => (int) $c->comment_ID,
            'parent' => (int) $c->comment_parent,
            'author' => $c->comment_author,
            'published' => get_comment_date('c', $c),
            'text' => text(apply_filters('comment_text', $c->comment_content, $c, [])),
            'url' => get_comment_link($c),
        ];
    }
    return $out;
}

function entry(WP_Post $p): array
{
    global $post;
    $post = $p;
    setup_postdata($p);
    $author = get_userdata($p->post_author);
    $previous = get_previous_post();
    $next = get_next_post();
    $content = apply_filters('the_content', $p->post_content);
    preg_match_all('/(?:src|href)="(http:\/\/projektbesok\.se\/wp-content\/uploads\/[^"]+)"/', $content, $m);
    $media = array_values(array_unique($m[1]));
    sort($media);
    $thumbnail = get_post_thumbnail_id($p);
    $entry = [
        'id' => $p->ID,
        'type' => $p->post_type,
        'url' => get_permalink($p),
        'shortlink' => wp_get_shortlink($p->ID),
        'slug' => $p->post_name,
        'title' => html_entity_decode(get_the_title($p), ENT_QUOTES | ENT_HTML5, 'UTF-8'),
        'title_raw' => $p->post_title,
        'published' => get_post_time('c', false, $p),
        'published_gmt' => get_post_time('Y-m-d\TH:i:s\Z', true, $p),
        'modified' => get_post_modified_time('c', false, $p),
        'author' => ['id' => (int) $author->ID, 'name' => $author->display_name, 'slug' => $author->user_nicename, 'url' => get_author_posts_url($author->ID)],
        'authors' => [$author->display_name],
        'categories' => terms($p->ID, 'category'),
        'tags' => terms($p->ID, 'post_tag'),
        'comment_count' => (int) get_comments_number($p),
        'comments' => comments($p->ID),
        'attachments' => attachments($p->ID),
        'featured_image' => $thumbnail ? wp_get_attachment_url($thumbnail) : null,
        'media_in_content' => $media,
        'content_text' => text($content),
        'previous' => $previous ? get_permalink($previous) : null,
        'next' => $next ? get_permalink($next) : null,
    ];
    wp_reset_postdata();
    return $entry;
}

$published = get_posts(['post_type' => 'post', 'post_status' => 'publish', 'numberposts' => -1, 'orderby' => 'date', 'order' => 'ASC', 'suppress_filters' => false]);
$posts = array_map('entry', $published);

$by_url = array_column($posts, null, 'url');
$chain = [];
$url = $posts[0]['url'];
while ($url !== null && !in_array($url, $chain, true)) {
    $chain[] = $url;
    $url = $by_url[$url]['next'];
}
foreach ($posts as &$entry) {
    $entry['position'] = array_search($entry['url'], $chain, true) + 1;
}
unset($entry);

$pages = array_map('entry', get_posts(['post_type' => 'page', 'post_status' => 'publish', 'numberposts' => -1, 'orderby' => 'ID', 'order' => 'ASC']));
foreach ($pages as &$page) {
    unset($page['previous'], $page['next']);
}
unset($page);

$hidden = [];
foreach (get_posts(['post_type' => ['post', 'page'], 'post_status' => ['draft', 'private', 'future', 'pending'], 'numberposts' => -1, 'orderby' => 'ID', 'order' => 'ASC']) as $p) {
    $hidden[] = [
        'id' => $p->ID,
        'status' => $p->post_status,
        'title' => $p->post_title,
        'slug' => $p->post_name,
        'url' => home_url(mysql2date('/Y/m/d/', $p->post_date) . $p->post_name . '/'),
        'shortlink' => home_url('/?p=' . $p->ID),
        'content_text' => text($p->post_content),
    ];
}

$listings = ['categories' => [], 'tags' => [], 'authors' => [], 'months' => []];
foreach (get_terms(['taxonomy' => ['category', 'post_tag'], 'hide_empty' => true, 'orderby' => 'slug']) as $term) {
    $ids = get_posts(['post_type' => 'post', 'numberposts' => -1, 'fields' => 'ids', 'tax_query' => [['taxonomy' => $term->taxonomy, 'terms' => $term->term_id]], 'orderby' => 'date', 'order' => 'DESC']);
    $listings[$term->taxonomy === 'category' ? 'categories' : 'tags'][] = [
        'name' => $term->name, 'slug' => urldecode($term->slug), 'url' => get_term_link($term),
        'count' => count($ids), 'posts' => array_map('get_permalink', $ids),
    ];
}
foreach (get_users(['orderby' => 'ID', 'has_published_posts' => ['post']]) as $user) {
    $ids = get_posts(['post_type' => 'post', 'author' => $user->ID, 'numberposts' => -1, 'fields' => 'ids', 'orderby' => 'date', 'order' => 'DESC']);
    $listings['authors'][] = ['name' => $user->display_name, 'slug' => $user->user_nicename, 'url' => get_author_posts_url($user->ID), 'count' => count($ids), 'posts' => array_map('get_permalink', $ids)];
}
$months = [];
foreach (array_reverse($posts) as $p) {
    $key = substr($p['published'], 0, 7);
    $months[$key] ??= ['month' => $key, 'url' => get_month_link(substr($key, 0, 4), substr($key, 5, 2)), 'posts' => []];
    $months[$key]['posts'][] = $p['url'];
}
$listings['months'] = array_values($months);

global $wp_rewrite;
echo wp_json_encode([
    'site' => [
        'home' => home_url('/'),
        'name' => get_bloginfo('name'),
        'description' => get_bloginfo('description'),
        'locale' => get_locale(),
        'timezone' => wp_timezone_string(),
        'permalink_structure' => get_option('permalink_structure'),
        'date_format' => get_option('date_format'),
        'wordpress_version' => get_bloginfo('version'),
        'posts_per_page' => (int) get_option('posts_per_page'),
        'feed' => get_feed_link(),
        'comments_feed' => get_feed_link('comments_rss2'),
        'sitemap' => home_url('/wp-sitemap.xml'),
        'first_post' => $chain[0],
        'last_post' => end($chain),
    ],
    'posts' => $posts,
    'chain' => $chain,
    'pages' => $pages,
    'hidden' => $hidden,
    'listings' => $listings,
], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
