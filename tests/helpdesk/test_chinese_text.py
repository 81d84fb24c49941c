from helpdesk.chinese_text import sound_of, typed_in_pinyin


def test_sound_of_spells_how_chinese_sounds_and_keeps_everything_else():
    assert sound_of("退款多久") == "tuikuanduojiu"
    assert sound_of("mima忘了") == "mimawangle"
    assert sound_of("订单BW104233") == "dingdanBW104233"


def test_a_word_is_left_in_pinyin_whole_never_half_of_it():
    variants = typed_in_pinyin("运费多少钱", limit=5)
    assert "yunfei多少钱" in variants
    assert all("费" not in v or "运" in v for v in variants)  # never "yun费"


def test_the_same_text_always_gives_the_same_spellings():
    assert typed_in_pinyin("邮箱地址在哪里改") == typed_in_pinyin("邮箱地址在哪里改")
    assert len(typed_in_pinyin("邮箱地址在哪里改", limit=2)) == 2


def test_text_without_chinese_words_has_no_pinyin_spellings():
    assert typed_in_pinyin("where is my order") == []
    assert typed_in_pinyin("好") == []
