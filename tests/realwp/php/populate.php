<?php
/**
 * Fills the freshly installed site with a year of BESÖK course reports through WordPress's own
 * API: users, categories, tags, posts (classic and block markup), media in the upload folders,
 * threaded comments, the Arkiv page, and posts a visitor must never see (draft, private, future).
 * Everything is derived from the post index, so two runs build the same site with the same IDs.
 */
require __DIR__ . '/bootstrap.php';
require $docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/post.php';
require_once ABSPATH . 'wp-admin/includes/taxonomy.php';
require_once ABSPATH . 'wp-admin/includes/nav-menu.php';

if (get_posts(['post_type' => 'post', 'post_status' => 'any', 'numberposts' => 1])) {
    fwrite(STDERR, "the site already has posts; populate runs once on a fresh install\n");
    exit(1);
}
$admin = get_user_by('login', 'besokadmin');
wp_set_current_user($admin->ID);
wp_update_user(['ID' => $admin->ID, 'display_name' => 'BESÖK webbredaktion', 'first_name' => 'BESÖK', 'last_name' => 'webbredaktion']);

const TITLES = [
    'Premiärdagarna 29–31 maj: BESÖK drar i gång',
    'Biblioteksrummet som mötesplats',
    'Surfplattor på biblioteket – en introduktion',
    'Bemötande i lånedisken',
    'Lässtimulans för de yngsta',
    'Marknadsföring: "Syns vi inte, finns vi inte"',
    'E-böcker och låneplattformar',
    'Sociala medier för bibliotek',
    'Tillgänglighet med Handikappföreningarna Östergötland',
    'Bokprat för mellanstadiet',
    'Skyltning och exponering',
    'Konflikthantering i publika miljöer',
    'Google & sökteknik för vana användare',
    'Språkcaféer och lättläst',
    'Att leda förändring på små bibliotek',
    'Digitala klyftor – vad gör vi?',
    'Bibliotekets roll i lokalsamhället',
    'Högläsning för vuxna',
    'Fotografering och bildbehandling',
    'Omvärldsbevakning med RSS',
    'Kundundersökningar och utvärdering',
    'Läsecirklar som metod',
    'Barn och medier',
    'Webbpublicering i WordPress',
    'Service till personer med funktionsnedsättning',
    'Mångspråkiga samlingar',
    'Presentationsteknik för bibliotekarier',
    'Unga vuxna och biblioteket',
    'Meröppna bibliotek – erfarenheter från Danmark',
    'Upphovsrätt i praktiken',
    'Programverksamhet: från idé till genomförande',
    'Lässtimulerande metoder i skolan',
    'Informationskompetens för gymnasieelever',
    'Studieresa till Holland: förberedelser',
    'Studieresa till Holland – dag 1',
    'Studieresa till Holland – dag 2',
    'Studieresa till Danmark: Aarhus och Köpenhamn',
    'Studieresa till England: London och Birmingham',
    'Reflektioner efter studieresorna',
    'Inredning och möblering',
    'Spel på biblioteket',
    'Bemötande i telefon och e-post',
    'Skrivarverkstad för tonåringar',
    'Lokalhistoria på nätet',
    'Äldre och digital delaktighet',
    'Öppna data och bibliotekskatalogen',
    'Pedagogiska verktyg för bibliotekspersonal',
    'Kvalitetsarbete och statistik',
    'Sommarboken – ett läslyft',
    'BESÖK går i mål – efter mer än 150 utbildningar',
];
const CATEGORIES = ['Biblioteksrummet', 'Teknik', 'Marknadsföring', 'Bemötande', 'Lässtimulerande metoder', 'Omvärld'];
const TAGS = ['e-böcker', 'surfplattor', 'sociala medier', 'tillgänglighet', 'barn och unga', 'läsfrämjande',
    'Linköping', 'Norrköping', 'Motala', 'utvärdering', 'föreläsning', 'workshop'];
const AUTHORS = [
    ['niclas', 'Niclas', 'Siljedahl', 'editor'],
    ['anna', 'Anna', 'Lindqvist', 'author'],
    ['karin', 'Karin', 'Ödman', 'author'],
    ['per', 'Per', 'Åberg', 'author'],
];
const COMMENTERS = [
    ['Maria Holm', 'maria.holm@example.org'],
    ['Johan Berg', 'johan.berg@example.org'],
    ['Lena Ek', 'lena.ek@example.org'],
    ['Sven Örn', 'sven.orn@example.org'],
    ['Åsa Nyström', 'asa.nystrom@example.org'],
    ['Gunilla Dahl', 'gunilla.dahl@example.org'],
];
const PLACES = ['Linköping', 'Norrköping', 'Motala', 'Finspång', 'Mjölby', 'Söderköping', 'Vadstena',
    'Åtvidaberg', 'Kinda', 'Ydre', 'Valdemarsvik', 'Boxholm', 'Ödeshög'];
const SENTENCES = [
    'Dagen inleddes med en genomgång av hur %s kan utvecklas på våra bibliotek.',
    'Efter lunch arbetade vi i grupper med konkreta övningar kring %s.',
    'Många tog med sig idéer hem om %s.',
    'Utvärderingen visar att nästan alla deltagare vill fördjupa sig mer i %s.',
    'Föreläsaren betonade att %s kräver både tid och ett öppet förhållningssätt.',
    'Vi diskuterade också hur %s kan samordnas mellan Götabiblioteken.',
    'Kursen samlade personal från hela länet kring %s.',
];
const PLACE_SENTENCES = [
    'Kursen hölls på biblioteket i %s, som bjöd på fika och en visning av lokalerna.',
    'Deltagarna från %s delade med sig av sina erfarenheter och visade exempel från verksamheten.',
    'Flera av idéerna har redan prövats i %s med goda resultat.',
];

$tz = wp_timezone();
$start = new DateTimeImmutable('2012-05-29 09:00:00', $tz);

function post_date(int $i): string
{
    global $start;
    $days = $i === 11 ? (int) round(10 * 7.45) : (int) round($i * 7.45);
    $hour = 8 + ($i * 3) % 9;
    $minute = ($i * 17) % 60;
    return $start->modify("+{$days} days")->setTime($hour, $minute, 0)->format('Y-m-d H:i:s');
}

function topic(string $title): string
{
    $parts = preg_split('/[:–]/u', $title);
    return mb_strtolower(trim($parts[0]));
}

function jpeg_bytes(int $width, int $height, int $seed, string $label, string $type = 'jpeg'): string
{
    $image = imagecreatetruecolor($width, $height);
    for ($y = 0; $y < $height; $y++) {
        $shade = imagecolorallocate($image, (40 + $seed * 37 + $y / 6) % 256, (90 + $seed * 11) % 256, (150 + $y / 5) % 256);
        imageline($image, 0, $y, $width, $y, $shade);
    }
    $white = imagecolorallocate($image, 255, 255, 255);
    imagefilledrectangle($image, 40, $height - 140, $width - 40, $height - 40, imagecolorallocate($image, 20, 20, 20));
    imagestring($image, 5, 60, $height - 110, remove_accents($label), $white);
    ob_start();
    $type === 'png' ? imagepng($image, null, 9) : imagejpeg($image, null, 82);
    imagedestroy($image);
    return ob_get_clean();
}

function pdf_escape(string $text): string
{
    return strtr(remove_accents($text), ['\\' => '\\\\', '(' => '\\(', ')' => '\\)']);
}

function pdf_bytes(string $title, array $lines): string
{
    $text = 'BT /F1 18 Tf 60 780 Td (' . pdf_escape($title) . ') Tj /F1 11 Tf 0 -30 Td 14 TL';
    foreach ($lines as $line) {
        $text .= ' (' . pdf_escape($line) . ') Tj T*';
    }
    $text .= ' ET';
    $objects = [
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
        '<< /Length ' . strlen($text) . " >>\nstream\n" . $text . "\nendstream",
        '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
        '<< /Title (' . pdf_escape($title) . ') /Producer (BESOK) >>',
    ];
    $out = "%PDF-1.4\n";
    $offsets = [];
    foreach ($objects as $n => $body) {
        $offsets[] = strlen($out);
        $out .= ($n + 1) . " 0 obj\n" . $body . "\nendobj\n";
    }
    $xref = strlen($out);
    $out .= "xref\n0 " . (count($objects) + 1) . "\n0000000000 65535 f \n";
    foreach ($offsets as $offset) {
        $out .= sprintf("%010d 00000 n \n", $offset);
    }
    $out .= 'trailer << /Size ' . (count($objects) + 1) . " /Root 1 0 R /Info 6 0 R >>\nstartxref\n" . $xref . "\n%%EOF\n";
    return $out;
}

function upload(string $name, string $bits, string $mime, string $title, int $parent, int $author, string $date, string $caption = ''): array
{
    $folder = substr($date, 0, 4) . '/' . substr($date, 5, 2);
    $upload = wp_upload_bits($name, null, $bits, $folder);
    if ($upload['error']) {
        fwrite(STDERR, "upload of $name failed: {$upload['error']}\n");
        exit(1);
    }
    $id = wp_insert_attachment([
        'post_mime_type' => $mime,
        'post_title' => $title,
        'post_excerpt' => $caption,
        'post_content' => '',
        'post_status' => 'inherit',
        'post_author' => $author,
        'post_date' => $date,
    ], $upload['file'], $parent, true);
    if (is_wp_error($id)) {
        fwrite(STDERR, "attachment $name: {$id->get_error_message()}\n");
        exit(1);
    }
    wp_update_attachment_metadata($id, wp_generate_attachment_metadata($id, $upload['file']));
    return ['id' => $id, 'url' => $upload['url']];
}

function paragraph(string $html, bool $blocks): string
{
    return $blocks ? "<!-- wp:paragraph -->\n<p>$html</p>\n<!-- /wp:paragraph -->\n\n" : "$html\n\n";
}

$authors = [];
foreach (AUTHORS as [$login, $first, $last, $role]) {
    $authors[] = wp_insert_user([
        'user_login' => $login,
        'user_pass' => "realwp-test-only-$login",
        'user_email' => "$login@projektbesok.se",
        'first_name' => $first,
        'last_name' => $last,
        'display_name' => "$first $last",
        'nickname' => "$first $last",
        'role' => $role,
    ]);
}
$categories = [];
foreach (CATEGORIES as $name) {
    $categories[$name] = wp_insert_category(['cat_name' => $name]);
}
$categories['Studieresor'] = wp_insert_category(['cat_name' => 'Studieresor', 'category_description' => 'Resorna till Holland, Danmark och England våren 2013.']);
$categories['Nyheter'] = wp_insert_category(['cat_name' => 'Nyheter']);
wp_update_term(get_option('default_category'), 'category', ['name' => 'Okategoriserade']);

$posts = [];
foreach (TITLES as $i => $title) {
    $blocks = $i % 2 === 1;
    $date = post_date($i);
    $author = $authors[($i === 0 || $i === count(TITLES) - 1) ? 0 : ($i * 3) % count($authors)];
    $cats = [CATEGORIES[$i % count(CATEGORIES)]];
    if ($i >= 33 && $i <= 38) {
        $cats = ['Studieresor'];
    }
    if ($i % 4 === 0) {
        $cats[] = 'Nyheter';
    }
    $tags = [];
    if ($i % 7 !== 6) {
        $tags[] = TAGS[$i % count(TAGS)];
        if ($i % 3 === 0) {
            $tags[] = TAGS[($i * 5 + 3) % count(TAGS)];
        }
        if ($i % 5 === 0) {
            $tags[] = TAGS[($i + 7) % count(TAGS)];
        }
    }
    $id = wp_insert_post([
        'post_type' => 'post',
        'post_status' => 'publish',
        'post_title' => $title,
        'post_content' => '',
        'post_author' => $author,
        'post_date' => $date,
        'post_category' => array_map(fn($c) => $categories[$c], array_unique($cats)),
        'tags_input' => array_values(array_unique($tags)),
        'comment_status' => 'open',
    ], true);
    if (is_wp_error($id)) {
        fwrite(STDERR, "post $i: {$id->get_error_message()}\n");
        exit(1);
    }
    $posts[$i] = ['id' => $id, 'date' => $date, 'author' => $author, 'blocks' => $blocks, 'title' => $title];
}

foreach ($posts as $i => $p) {
    $topic = topic($p['title']);
    $place = PLACES[$i % count(PLACES)];
    $html = '';
    $count = 3 + $i % 3;
    for ($k = 0; $k < $count; $k++) {
        $sentence = $k === 1
            ? sprintf(PLACE_SENTENCES[$i % count(PLACE_SENTENCES)], $place)
            : sprintf(SENTENCES[($i + $k) % count(SENTENCES)], $topic);
        $extra = sprintf(SENTENCES[($i * 3 + $k + 2) % count(SENTENCES)], $topic);
        if ($k === 0 && $i > 0) {
            $extra .= sprintf(' Läs också <a href="%s">%s</a>.', get_permalink($posts[$i - 1]['id']), esc_html($posts[$i - 1]['title']));
        }
        if ($k === 1 && $i % 6 === 2) {
            $extra .= ' Projektet finansieras av <a href="http://www.esf.se/">Europeiska socialfonden</a>.';
        }
        if ($k === 2) {
            $extra = '<strong>' . $extra . '</strong>';
        }
        $html .= paragraph($sentence . ' ' . $extra, $p['blocks']);
    }
    if ($i % 5 === 4) {
        $items = "<li>Förmiddag: föreläsning om $topic</li><li>Eftermiddag: workshop i $place</li><li>Avslutning och utvärdering</li>";
        $html .= $p['blocks'] ? "<!-- wp:list -->\n<ul>$items</ul>\n<!-- /wp:list -->\n\n" : "<ul>\n$items\n</ul>\n\n";
    }
    if ($i % 3 === 1) {
        $stem = sanitize_title($p['title']);
        $png = $i === 4;
        $image = upload(
            $stem . ($png ? '.png' : '.jpg'),
            jpeg_bytes($png ? 800 : 1200, $png ? 600 : 900, $i, $p['title'], $png ? 'png' : 'jpeg'),
            $png ? 'image/png' : 'image/jpeg',
            'Bild från ' . $topic,
            $p['id'],
            $p['author'],
            $p['date'],
            "Från kursdagen i $place."
        );
        update_post_meta($image['id'], '_wp_attachment_image_alt', "Deltagare på kursen om $topic");
        $large = wp_get_attachment_image_src($image['id'], 'large')[0];
        $alt = esc_attr("Deltagare på kursen om $topic");
        if ($p['blocks']) {
            $html .= "<!-- wp:image {\"id\":{$image['id']},\"sizeSlug\":\"large\",\"linkDestination\":\"media\"} -->\n"
                . "<figure class=\"wp-block-image size-large\"><a href=\"{$image['url']}\"><img src=\"$large\" alt=\"$alt\" class=\"wp-image-{$image['id']}\"/></a>"
                . "<figcaption class=\"wp-element-caption\">Från kursdagen i $place.</figcaption></figure>\n<!-- /wp:image -->\n\n";
        } else {
            $meta = wp_get_attachment_metadata($image['id']);
            $size = $meta['sizes']['large'] ?? ['width' => $meta['width'], 'height' => $meta['height']];
            $img = "<a href=\"{$image['url']}\"><img class=\"size-large wp-image-{$image['id']}\" src=\"$large\" alt=\"$alt\" width=\"{$size['width']}\" height=\"{$size['height']}\" /></a>";
            $html .= $i % 6 === 4
                ? "[caption id=\"attachment_{$image['id']}\" align=\"aligncenter\" width=\"{$size['width']}\"]{$img} Från kursdagen i $place.[/caption]\n\n"
                : "$img\n\n";
        }
        if ($i % 6 === 1) {
            set_post_thumbnail($p['id'], $image['id']);
        }
    }
    if ($i % 8 === 2) {
        $name = 'kursrapport-' . sanitize_title($topic) . '.pdf';
        $pdf = upload(
            $name,
            pdf_bytes('Kursrapport: ' . $p['title'], ["Plats: $place", 'Datum: ' . substr($p['date'], 0, 10), 'BESOK - Bibliotekspersonal i E-lan Samverkar for Okad Kompetens']),
            'application/pdf',
            'Kursrapport ' . $topic,
            $p['id'],
            $p['author'],
            $p['date']
        );
        $html .= $p['blocks']
            ? "<!-- wp:file {\"id\":{$pdf['id']},\"href\":\"{$pdf['url']}\"} -->\n<div class=\"wp-block-file\"><a href=\"{$pdf['url']}\">Kursrapport $topic (PDF)</a><a href=\"{$pdf['url']}\" class=\"wp-block-file__button\" download>Ladda ner</a></div>\n<!-- /wp:file -->\n\n"
            : "Hela rapporten finns som <a href=\"{$pdf['url']}\">PDF: kursrapport $topic</a>.\n\n";
    }
    if ($i === count(TITLES) - 1) {
        $first = get_permalink($posts[0]['id']);
        $html .= paragraph(sprintf(
            'Kursrapporterna finns i omvänd kronologisk ordning i <a href="%s">Arkiv</a>. Vill man läsa alla inlägg i publiceringsordning kan man börja <a href="%s">här</a> och klicka på nästa inlägg %d gånger.',
            home_url('/arkiv/'),
            $first,
            count(TITLES) - 1
        ), $p['blocks']);
        $html .= paragraph('Studieresorna dokumenterades också i bloggarna <a href="http://besokholland.tumblr.com/">besokholland.tumblr.com</a>, <a href="http://besokdanmark.tumblr.com/">besokdanmark.tumblr.com</a> och <a href="http://besokengland.tumblr.com/">besokengland.tumblr.com</a>.', $p['blocks']);
        $html .= paragraph('<em>/Text: Niclas Siljedahl, projektledare</em>', $p['blocks']);
    }
    wp_update_post(['ID' => $p['id'], 'post_content' => trim($html)]);
}

foreach ($posts as $i => $p) {
    if ($i % 4 === 3) {
        continue;
    }
    $n = ($i * 7) % 5;
    $ids = [];
    $when = new DateTimeImmutable($p['date'], $tz);
    for ($k = 0; $k < $n; $k++) {
        $parent = match ($k) { 1 => $ids[0], 2 => $ids[1], default => 0 };
        $reply_by_author = $k === 1;
        $user = get_userdata($p['author']);
        [$name, $email] = $reply_by_author ? [$user->display_name, $user->user_email] : COMMENTERS[($i + $k) % count(COMMENTERS)];
        $date = $when->modify('+' . (3 * ($k + 1)) . ' hours +' . (17 * $k) . ' minutes')->format('Y-m-d H:i:s');
        $text = $reply_by_author
            ? 'Tack för kommentaren! Roligt att höra att kursen om ' . topic($p['title']) . ' gav något.'
            : sprintf(SENTENCES[($i + $k + 3) % count(SENTENCES)], topic($p['title'])) . ' Tack för en bra dag!';
        $ids[] = wp_insert_comment([
            'comment_post_ID' => $p['id'],
            'comment_author' => $name,
            'comment_author_email' => $email,
            'comment_author_url' => '',
            'comment_content' => $text,
            'comment_parent' => $parent,
            'comment_date' => $date,
            'comment_date_gmt' => get_gmt_from_date($date),
            'comment_approved' => 1,
            'user_id' => $reply_by_author ? $p['author'] : 0,
        ]);
    }
}
foreach ([[5, 0, 'Väntar på granskning: en kommentar ingen besökare ska se.'], [6, 'spam', 'Köp billiga klockor här!']] as [$i, $status, $text]) {
    wp_insert_comment([
        'comment_post_ID' => $posts[$i]['id'],
        'comment_author' => 'Okänd',
        'comment_author_email' => 'okand@example.org',
        'comment_content' => $text,
        'comment_date' => (new DateTimeImmutable($posts[$i]['date'], $tz))->modify('+2 days')->format('Y-m-d H:i:s'),
        'comment_approved' => $status,
    ]);
}

$hidden = [
    ['draft', 'Utkast: vårens kursprogram', 'utkast-varens-kursprogram', '2013-01-15 10:00:00'],
    ['private', 'Internt: budgetuppföljning hösten 2012', 'internt-budgetuppfoljning-hosten-2012', '2012-11-20 13:00:00'],
    ['future', 'Kommande: avslutningskonferensen', 'kommande-avslutningskonferensen', '2031-01-15 09:00:00'],
    ['pending', 'Granskas: kursrapport från Ydre', 'granskas-kursrapport-fran-ydre', '2012-09-12 11:00:00'],
];
foreach ($hidden as [$status, $title, $slug, $date]) {
    wp_insert_post([
        'post_type' => 'post',
        'post_status' => $status,
        'post_title' => $title,
        'post_name' => $slug,
        'post_content' => "<p>Det här inlägget ($status) får aldrig synas för en besökare eller hamna i arkivet.</p>",
        'post_author' => $authors[1],
        'post_date' => $date,
        'post_category' => [$categories['Nyheter']],
        'tags_input' => ['hemligt'],
    ], true);
}

$about = wp_insert_post([
    'post_type' => 'page',
    'post_status' => 'publish',
    'post_title' => 'Om BESÖK',
    'post_name' => 'om-besok',
    'post_author' => $authors[0],
    'post_date' => '2012-05-28 12:00:00',
    'post_content' => '<p>BESÖK – Bibliotekspersonal i E-län Samverkar för Ökad Kompetens – var ett kompetensutvecklingsprojekt för de femton biblioteken i Östergötland 2011–2013, finansierat av Europeiska socialfonden.</p>',
]);
$archive = '';
$month = '';
foreach (array_reverse($posts) as $p) {
    $label = date_i18n('F Y', strtotime($p['date']));
    if ($label !== $month) {
        $archive .= ($month ? "</ul>\n" : '') . "<h2>$label</h2>\n<ul>\n";
        $month = $label;
    }
    $archive .= sprintf("<li><a href=\"%s\">%s</a> (%s)</li>\n", get_permalink($p['id']), esc_html($p['title']), substr($p['date'], 0, 10));
}
$archive .= "</ul>\n";
$arkiv = wp_insert_post([
    'post_type' => 'page',
    'post_status' => 'publish',
    'post_title' => 'Arkiv',
    'post_name' => 'arkiv',
    'post_author' => $authors[0],
    'post_date' => '2012-05-28 12:30:00',
    'post_content' => "<p>Alla kursrapporter, de senaste först.</p>\n" . $archive,
    'comment_status' => 'closed',
]);

$menu = wp_create_nav_menu('Huvudmeny');
foreach ([$arkiv, $about] as $position => $page) {
    wp_update_nav_menu_item($menu, 0, [
        'menu-item-object-id' => $page,
        'menu-item-object' => 'page',
        'menu-item-type' => 'post_type',
        'menu-item-status' => 'publish',
        'menu-item-position' => $position + 1,
    ]);
}

$single = file_get_contents(get_theme_root('twentytwentythree') . '/twentytwentythree/templates/single.html');
$navigation = "\t<!-- wp:group {\"layout\":{\"type\":\"constrained\"}} -->\n\t<div class=\"wp-block-group\">"
    . "<!-- wp:group {\"align\":\"wide\",\"layout\":{\"type\":\"flex\",\"justifyContent\":\"space-between\"}} -->\n"
    . "\t<div class=\"wp-block-group alignwide\"><!-- wp:post-navigation-link {\"type\":\"previous\",\"showTitle\":true} /-->\n"
    . "\t<!-- wp:post-navigation-link {\"showTitle\":true} /--></div>\n\t<!-- /wp:group --></div>\n\t<!-- /wp:group -->\n";
$template = str_replace("\t<!-- wp:template-part {\"slug\":\"comments\"", $navigation . "\t<!-- wp:template-part {\"slug\":\"comments\"", $single);
$template = str_replace('<!-- wp:template-part {', '<!-- wp:template-part {"theme":"twentytwentythree",', $template);
if ($template === $single) {
    fwrite(STDERR, "twentytwentythree's single template changed shape; cannot add the post navigation\n");
    exit(1);
}
$template_id = wp_insert_post([
    'post_type' => 'wp_template',
    'post_status' => 'publish',
    'post_name' => 'single',
    'post_title' => 'Single',
    'post_excerpt' => 'Displays a single post.',
    'post_content' => $template,
    'post_author' => $admin->ID,
], true);
wp_set_post_terms($template_id, 'twentytwentythree', 'wp_theme');

global $wpdb;
foreach ($posts as $i => $p) {
    $modified = $i % 7 === 3
        ? (new DateTimeImmutable($p['date'], $tz))->modify('+2 days +90 minutes')->format('Y-m-d H:i:s')
        : $p['date'];
    $wpdb->update($wpdb->posts, ['post_modified' => $modified, 'post_modified_gmt' => get_gmt_from_date($modified)], ['ID' => $p['id']]);
    foreach (get_children(['post_parent' => $p['id'], 'post_type' => 'attachment']) as $child) {
        $wpdb->update($wpdb->posts, ['post_modified' => $p['date'], 'post_modified_gmt' => get_gmt_from_date($p['date'])], ['ID' => $child->ID]);
    }
}
foreach ([$about, $arkiv] as $page) {
    $wpdb->query($wpdb->prepare("UPDATE {$wpdb->posts} SET post_modified = post_date, post_modified_gmt = post_date_gmt WHERE ID = %d", $page));
}
$wpdb->query($wpdb->prepare("UPDATE {$wpdb->posts} SET post_date = %s, post_date_gmt = %s, post_modified = %s, post_modified_gmt = %s WHERE ID = %d",
    '2013-01-10 10:00:00', get_gmt_from_date('2013-01-10 10:00:00'), '2013-01-10 10:00:00', get_gmt_from_date('2013-01-10 10:00:00'), $template_id));
wp_cache_flush();
flush_rewrite_rules(false);

printf("populated: %d posts, %d hidden, 2 pages, %d attachments, %d comments\n",
    count($posts), count($hidden), count(get_posts(['post_type' => 'attachment', 'numberposts' => -1, 'post_status' => 'inherit'])),
    (int) $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->comments}"));
