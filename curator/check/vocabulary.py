"""The vocabulary of sites that take over lapsed domains: gambling, adult content, pills,
crypto and loans. Data, not code.

A safeguarding page may use one of these words (a sextortion guide speaks of Bitcoin and of
"revenge porn"), so a page is taken for such a site only when it uses several terms of one
trade and shows none of the resource's own words (see `curator.check.parking_rules`). The
terms here are ones advice pages do not use in numbers: "casino" and "free spins", not
"gambling"; "sex cams", not "nude images".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import re2

VICE: dict[str, tuple[str, ...]] = {
    "gambling": (
        "casino",
        "casinos",
        "slot gacor",
        "gacor",
        "togel",
        "judi online",
        "situs judi",
        "maxwin",
        "free spins",
        "jackpot",
        "roulette",
        "blackjack",
        "baccarat",
        "sportsbook",
        "bookmaker",
        "betting odds",
        "betting tips",
        "bet now",
        "no deposit bonus",
        "deposit bonus",
        "welcome bonus",
        "live casino",
        "online slots",
        "slot online",
        "slot machines",
        "poker online",
        "online poker",
        "pokies",
        "wager",
        "sbobet",
        "sportwetten",
        "spielautomaten",
        "apuestas deportivas",
        "tragamonedas",
        "cassino",
        "apostas esportivas",
        "online betting",
        "sports betting",
        "in-play",
        "virtual sports",
        "special bets",
        "online casino",
        "casino online",
        "poker",
        "bingo",
        "slots",
        "gamble responsibly",
        "gaming authority",
        "bet calculator",
        "each way",
        "super yankee",
        "lucky 15",
        "lucky 31",
        "super heinz",
        # Betting and casinos in the languages of Europe's operators (the bare word for
        # gambling or betting is shared: see SHARED_WORDS).
        "apuestas online",
        "casa de apuestas",
        "scommesse online",
        "scommesse sportive",
        "casinò",
        "paris sportifs",
        "casino en ligne",
        "jeux de casino",
        "pariuri sportive",
        "pariuri live",
        "joc responsabil",
        "online wetten",
        # Chinese, Korean, Japanese, Thai, Vietnamese, Russian: what spam on lapsed
        # domains is written in.
        "百家乐",
        "百家樂",
        "娱乐城",
        "娛樂城",
        "真人荷官",
        "时时彩",
        "六合彩",
        "博彩",
        "赌场",
        "賭場",
        "老虎机",
        "老虎機",
        "体育投注",
        "棋牌",
        "彩金",
        "北京赛车",
        "电子游艺",
        "澳门赌",
        "线上赌场",
        "彩票",
        # Lottery-results spam: draws, trend charts and the quick-draw games by name.
        "开奖结果",
        "开奖",
        "走势图",
        "快三",
        "快3",
        "双色球",
        "福彩",
        "幸运飞艇",
        "11选5",
        "카지노",
        "바카라",
        "토토",
        "슬롯",
        "먹튀",
        "안전놀이터",
        "메이저사이트",
        "파워볼",
        "홀덤",
        "オンラインカジノ",
        "ライブカジノ",
        "カジノ",
        "パチンコ",
        "パチスロ",
        "ブックメーカー",
        "バカラ",
        "スロット",
        "ルーレット",
        "ブラックジャック",
        "ポーカー",
        "ジャックポット",
        "フリースピン",
        "入金不要ボーナス",
        "入金ボーナス",
        "スポーツベット",
        "賭け条件",
        "บาคาร่า",
        "สล็อต",
        "คาสิโน",
        "แทงบอล",
        "เว็บพนัน",
        "nhà cái",
        "cá cược",
        "xổ số",
        "tài xỉu",
        "nổ hũ",
        "казино",
        "букмекер",
        "игровые автоматы",
        "ставки на спорт",
    ),
    "adult": (
        "xxx",
        "porn videos",
        "free porn",
        "porn tube",
        "sex videos",
        "sex cams",
        "live sex",
        "camgirls",
        "cam girls",
        "free cams",
        "live cams",
        "adult webcams",
        "free webcams",
        "sex chat",
        "live porn",
        "pornstar",
        "pornstars",
        "porn stars",
        "private shows",
        "cam sex",
        "webcam sex",
        "annonces coquines",
        "rencontres coquines",
        "webcam girls",
        "hot singles",
        "milf",
        "hentai",
        "adult dating",
        "hookup tonight",
        "horny",
        "erotic massage",
        "nsfw",
        "bokep",
        "phim sex",
        "成人视频",
        "色情",
        # Spam for porn-video apps: "free unlimited viewing", "download address", "dirty"
        # (污) as such spam writes it next to an app's name.
        "免费无限观看",
        "视频app下载",
        "app下载污",
        "下载地址污",
        "福利视频",
        "av女优",
        "无码",
        "無碼",
        "黄色网站",
        "成人网站",
        "约炮",
        "情色",
        "自拍偷拍",
        "国产精品",
        "一本道",
        "야동",
        "야설",
        "19금",
        "アダルト",
        "無修正",
        "エロ動画",
        "порно",
        "секс видео",
        "หนังโป๊",
        "คลิปหลุด",
    ),
    "pharmacy": (
        "viagra",
        "cialis",
        "levitra",
        "kamagra",
        "sildenafil",
        "tadalafil",
        "tramadol",
        "xanax",
        "phentermine",
        "modafinil",
        "online pharmacy",
        "no prescription",
        "without prescription",
        "buy pills",
        "generic viagra",
        "erectile dysfunction",
        "интернет-аптека",
        "интернет аптека",
        "заказать лекарства",
        "купить лекарства",
        "online apotheke",
        "pharmacie en ligne",
        "farmacia online",
    ),
    "crypto": (
        "crypto casino",
        "airdrop",
        "trading bot",
        "binary options",
        "crypto exchange",
        "token presale",
        "presale",
        "memecoin",
        "defi",
        "staking rewards",
        "earn bitcoin",
        "bitcoin casino",
        "crypto trading",
        "bitcoin futures",
        "btc futures",
        "crypto futures",
        "futures and options",
        "margin trading",
        "perpetual futures",
        "perpetual swaps",
        "buy crypto",
        "sell crypto",
        "buy bitcoin",
        "pay with crypto",
        "deposit crypto",
        "crypto card",
        "forex trading",
        "forex signals",
        "forex",
        "metatrader",
        "mt4",
        "mt5",
        "cfds",
        "cfd trading",
        "copy trading",
        "learn to trade",
        "usdt",
    ),
    "loans": (
        "payday loans",
        "payday loan",
        "quick loans",
        "instant loans",
        "instant loan",
        "bad credit loans",
        "same day loans",
        "cash advance",
        "no credit check",
        "title loans",
        "loan approval",
        "guaranteed approval",
        "personal loans",
        # Loans in the languages of Europe's lenders and brokers (the bare word for a loan or
        # a debt is shared: see SHARED_WORDS).
        "sofortkredit",
        "kredit ohne schufa",
        "kleinkredit",
        "eilkredit",
        "schnellkredit",
        "blitzkredit",
        "kurzzeitkredit",
        "privatkredit",
        "kreditvergleich",
        "kreditrechner",
        "geld leihen",
        "crédit rapide",
        "prêt rapide",
        "mini prêt",
        "préstamos rápidos",
        "préstamo rápido",
        "minicréditos",
        "prestiti online",
        "prestito veloce",
    ),
}
"""Terms by trade: each one alone says little; several together say what the site sells."""

SHARED_WORDS = frozenset(
    """
    porn porno pornography sex sexual sexy nude nudes naked xxx adult escort escorts teen teens
    casino casinos gambling gamble betting bets loan loans payday credit crypto bitcoin
    pharmacy pills drugs dating webcam webcams

    juego juegos apuestas pornografía pornografia sexo desnudos
    jeu jeux pornographie sexe
    glücksspiel glucksspiel spielsucht wetten nackt
    gioco giochi azzardo scommesse sesso
    jogo jogos apostas
    noroc jocuri pariuri
    gokken
    hazard
    kredit kredite schulden crédit crédits prêt prêts préstamo préstamos deuda deudas prestito
    prestiti debiti
    """.split()
)
"""Words a safeguarding resource may share with such a site ("Revenge Porn Helpline", "Ayuda
para familias afectadas por el juego", "Teen helpline"), in English and the languages of
Europe's operators: on a page, they prove nothing about which of the two it is."""

ENOUGH_TERMS = 3
"""Distinct terms of one trade that make a page that trade's site."""
ENOUGH_IN_TITLE = 2
"""Distinct terms of one trade in a page's title alone that make it that trade's site: a site
that names itself by its trade ("Situs Judi Casino Online", an online pharmacy's "Интернет-
аптека: заказать лекарства"). Hence no term here is a word of ordinary business (a bank's
"deposit" and "withdrawal")."""


@dataclass(frozen=True, slots=True)
class Trade:
    """The trade a page's vocabulary belongs to, and the terms that show it."""

    name: str
    terms: tuple[str, ...]


def _term(term: str) -> str:
    """A term as a pattern: a whole word where words are spaced, as written elsewhere
    (Chinese, Japanese and Thai run words together)."""
    escaped = re.escape(term)
    return rf"\b{escaped}\b" if term.isascii() else escaped


_TRADE_OF_TERM: dict[str, str] = {}
for _trade, _terms in VICE.items():
    for _t in _terms:
        _TRADE_OF_TERM.setdefault(_t, _trade)
_ANY_TERM = re2.compile("|".join(_term(t) for t in sorted(_TRADE_OF_TERM, key=len, reverse=True)))
"""Every trade's terms in one pattern, the longest first: one scan of a text finds them all."""


def trade_of(*texts: str, enough: int = ENOUGH_TERMS) -> Trade | None:
    """The trade whose terms the (normalised) `texts` use most, when they use `enough` of
    them."""
    found: dict[str, dict[str, None]] = {}
    for text in texts:
        for term in _ANY_TERM.findall(text):
            found.setdefault(_TRADE_OF_TERM[term], {})[term] = None
    best: Trade | None = None
    for trade in VICE:
        terms = tuple(found.get(trade, ()))
        if len(terms) >= enough and (best is None or len(terms) > len(best.terms)):
            best = Trade(trade, terms)
    return best
