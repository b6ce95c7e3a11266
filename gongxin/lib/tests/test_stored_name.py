from gongxin.lib.uploads import stored_name


def test_a_long_chinese_name_is_stored_within_a_file_systems_limit_with_its_extension():
    name = stored_name("长" * 300 + ".PDF")  # 904 bytes of UTF-8: a file system holds 255
    assert len(name.encode()) <= 120 and name.endswith(".pdf") and name.startswith("长")
    assert stored_name("备案证明.pdf") == "备案证明.pdf"
    assert stored_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert stored_name(".pdf") == ".pdf" and stored_name("") == "file"
