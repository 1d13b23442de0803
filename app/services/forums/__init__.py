"""Forums: reading (in a fixed number of queries) and writing (threads, replies, edits, reactions, drafts).

Callers write `from app.services import forums` and `forums.reply(...)`; this package re-exports
what they use. Where things are:

- visibility: who sees which posts and threads (visible_posts, may_read_thread, may_read_post).
- reading: categories, a category's threads, a thread's page, one post, revisions, saved posts.
- writing: starting a thread, replying, editing, deleting and undoing it, the checks on what people
  write, and set_post_status (moderation changes a post's status there, so the counters stay right).
- reactions: the reactions' words, react, who reacted, the gathered notification to the author.
- following: follow, read markers, bookmark.
- telling: mentions and replies told to the people concerned, post_link.
- drafts: unsent writing kept on the server.
- managing: categories (administrators), pinning and locking (moderators).
- kinds: posts and threads as moderation content kinds, registered when the package is imported.
- common: what several of them share (POSTS_PER_PAGE, MAX_POST_CHARACTERS, page_for_number).
"""
from app.services.forums.common import page_for_number
from app.services.forums.drafts import get_draft, save_draft
from app.services.forums.following import bookmark, follow
from app.services.forums.kinds import first_post  # importing kinds registers posts and threads with moderation
from app.services.forums.managing import save_category, set_locked, set_pinned, slugify
from app.services.forums.reactions import (
    REACTION_DONE,
    REACTION_WORDS,
    react,
    reaction_sentence,
    reactions_for,
)
from app.services.forums.reading import (
    all_categories,
    get_category,
    get_post,
    get_thread,
    list_categories,
    post_view,
    readable_category_ids,
    revisions,
    saved_posts,
    SAVED_KEY,
    THREAD_KEY,
    thread_list,
    thread_page,
)
from app.services.forums.writing import (
    KEPT,
    UNDO_MINUTES,
    Posted,
    Started,
    can_undo_delete,
    delete_post,
    edit_post,
    reply,
    set_post_status,
    start_thread,
    undo_delete,
)

__all__ = [
    "KEPT", "REACTION_DONE", "REACTION_WORDS", "UNDO_MINUTES", "Posted", "Started", "all_categories",
    "bookmark", "can_undo_delete", "delete_post", "edit_post", "first_post", "follow", "get_category",
    "get_draft", "get_post", "get_thread", "list_categories", "page_for_number", "post_view", "react",
    "reaction_sentence", "reactions_for", "readable_category_ids", "reply", "revisions", "save_category",
    "save_draft", "saved_posts", "set_locked", "set_pinned", "set_post_status", "slugify", "start_thread",
    "SAVED_KEY", "THREAD_KEY", "thread_list", "thread_page", "undo_delete",
]
