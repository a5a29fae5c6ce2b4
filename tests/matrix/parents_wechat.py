"""WeChat's OAuth2 callback after a parent signs in from WeChat (binds the openid; without a code it goes home)."""
from tests.matrix import PARENT_ONLY, Route, fixed

ROWS = [
    Route("parent.wechat_callback", "GET", fixed("/p/wechat/callback"), PARENT_ONLY),
    Route("parent.wechat_callback", "GET", fixed("/p/wechat/callback?code=x&state=1Z2Z3"), PARENT_ONLY,
          name="stale-state"),
]


def build(users, campuses) -> dict:
    return {}
